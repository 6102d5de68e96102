package dev.e2bgateway.bench;

import java.nio.charset.StandardCharsets;

/**
 * The interpreter soak's hostile cells, as the fake {@code /api/sandbox} answers them. A cell's
 * code is {@code print("soakcell:<id>:<kind>")}; the kind says what the sandbox does:
 * <ul>
 *   <li>{@code ok}: prints {@link #printed(int)};</li>
 *   <li>{@code big}: prints {@link #BIG_BYTES} (past the gateway's 1 MB cap per cell);</li>
 *   <li>{@code error}: raises ZeroDivisionError with IPython's coloured traceback;</li>
 *   <li>{@code slow}: answers after {@link #SLOW_MILLIS}, past the gateway's sandbox timeout;</li>
 *   <li>{@code many}: as {@code ok} (the reply calls 12 such cells: 8 run, the budget refuses 4).</li>
 * </ul>
 */
final class SoakCells {

    static final int BIG_BYTES = 5 << 20;
    static final long SLOW_MILLIS = 8_000;
    /** The gateway's E2B_SANDBOX_TIMEOUT_MS in the interpreter soak: a slow cell is a timeout. */
    static final int SANDBOX_TIMEOUT_MILLIS = 5_000;
    /** Cells the {@code many} reply calls; the gateway's default budget runs 8. */
    static final int MANY = 12;

    private SoakCells() {
    }

    static String printed(int id) {
        return "soak cell " + id + "\n";
    }

    /** The code of a cell of request {@code id}. */
    static String code(int id, String kind) {
        return "print(\"soakcell:" + id + ":" + kind + "\")";
    }

    /** The model's reply that calls {@code n} cells of {@code kind}. */
    static String calls(int id, String kind, int n) {
        StringBuilder reply = new StringBuilder("Running code.\n<tool_calls>\n");
        for (int i = 0; i < n; i++) {
            reply.append("<invoke name=\"python\">\n<parameter name=\"code\">").append(code(id, kind)).append("</parameter>\n</invoke>\n");
        }
        return reply.append("</tool_calls>").toString();
    }

    /** The route's JSON answer for a cell of {@code kind}; the body's first bytes and then its big middle, if any. */
    static byte[][] answer(int id, String kind) {
        String head = "{\"sbxId\":\"sbx_soak_" + id + "\",\"template\":\"code-interpreter-v1\",\"stdout\":[\"";
        return switch (kind) {
            case "big" -> new byte[][]{bytes(head), "x".repeat(BIG_BYTES).getBytes(StandardCharsets.US_ASCII),
                    bytes("\\n\"],\"stderr\":[],\"cellResults\":[]}")};
            case "error" -> new byte[][]{bytes(head + "\"],\"stderr\":[],\"runtimeError\":{\"name\":\"ZeroDivisionError\","
                    + "\"value\":\"division by zero\",\"traceback\":\"\\u001b[0;31m----\\u001b[0m\\n\\u001b[0;31mZeroDivisionError\\u001b[0m"
                    + ": division by zero\"},\"cellResults\":[]}")};
            default -> new byte[][]{bytes(head + printed(id).replace("\n", "\\n") + "\"],\"stderr\":[],\"cellResults\":[]}")};
        };
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
