package dev.e2bgateway.upstream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.Buffer;
import okio.BufferedSource;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The Fragments deployment's code runner, {@code POST /api/sandbox} (docs/upstream.md,
 * "The sandbox"): one Python cell in a fresh E2B sandbox of the deployment's own E2B
 * account. Never throws: a 500, an HTML page, silence or an unreadable body is a
 * {@link SandboxRun} that says so, because the model can still answer without the cell.
 */
public final class SandboxClient {

    private static final MediaType JSON = MediaType.get("application/json");
    /** The template of a Jupyter cell; the app templates answer with a URL instead of output. */
    static final String TEMPLATE = "code-interpreter-v1";
    /** Images make the body large; more than this is not a cell's output (it is read as it comes, never held). */
    private static final long MAX_BODY_BYTES = 32L * 1024 * 1024;

    private final Call.Factory http;
    private final HttpUrl sandboxUrl;
    private final String origin;
    private final Duration timeout;
    private final ObjectMapper json;

    /**
     * @param http    the route's OkHttp client (its proxy); its read timeout should not be below {@code timeout}
     * @param timeout the longest wait for the whole answer (the route itself stops after 60 s)
     */
    public SandboxClient(Call.Factory http, URI baseUrl, Duration timeout, ObjectMapper json) {
        this.http = http;
        this.sandboxUrl = HttpUrl.get(baseUrl.toString()).newBuilder().addPathSegments("api/sandbox").build();
        this.origin = sandboxUrl.scheme() + "://" + sandboxUrl.host()
                + (sandboxUrl.port() == HttpUrl.defaultPort(sandboxUrl.scheme()) ? "" : ":" + sandboxUrl.port());
        this.timeout = timeout;
        this.json = json;
    }

    /**
     * POST /api/sandbox with {@code code} as a {@code code-interpreter-v1} fragment; {@code userId} is metadata only.
     * At most {@code maxChars} of the cell's output are kept (stdout, stderr, the error, results and images together).
     */
    public SandboxRun run(String code, String userId, long maxChars, CancelHook cancel) {
        ObjectNode body = json.createObjectNode();
        ObjectNode fragment = body.putObject("fragment");
        fragment.put("template", TEMPLATE).put("code", code).put("file_path", "script.py")
                .put("has_additional_dependencies", false).put("install_dependencies_command", "");
        fragment.putArray("additional_dependencies");
        fragment.putNull("port");
        body.put("userID", userId);
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
        Request request = new Request.Builder().url(sandboxUrl).post(RequestBody.create(bytes, JSON))
                .header("accept", "*/*").header("origin", origin).header("referer", origin + "/")
                .header("user-agent", FragmentsClient.USER_AGENT) // as the chat calls: what the deployment's own page sends
                .header("accept-encoding", "identity").build();
        Call call = http.newCall(request);
        call.timeout().timeout(timeout.toMillis(), TimeUnit.MILLISECONDS); // the whole call, headers to last byte
        cancel.onCancel(call::cancel);
        try (Response response = call.execute()) {
            String contentType = response.header("content-type", "").toLowerCase(Locale.ROOT);
            BufferedSource source = response.body().source();
            boolean html = contentType.startsWith("text/html") || firstVisible(source) == '<';
            if (response.code() != 200) {
                boolean empty = !source.request(1);
                return SandboxRun.failed(html ? SandboxRun.Outcome.HTML : SandboxRun.Outcome.HTTP_ERROR,
                        "the sandbox endpoint answered " + response.code() + (html ? " with an HTML page" : empty ? " with an empty body" : ""));
            }
            if (html) return SandboxRun.failed(SandboxRun.Outcome.HTML, "the sandbox endpoint answered with an HTML page");
            return read(new CountingInput(source.inputStream(), MAX_BODY_BYTES), maxChars);
        } catch (CountingInput.TooLong e) {
            return SandboxRun.failed(SandboxRun.Outcome.BAD_JSON, "the sandbox answer was larger than " + MAX_BODY_BYTES + " bytes");
        } catch (InterruptedIOException e) {
            if (cancel.cancelled()) return SandboxRun.failed(SandboxRun.Outcome.CANCELLED, "cancelled");
            return SandboxRun.failed(SandboxRun.Outcome.TIMEOUT, "the sandbox did not answer within " + timeout.toMillis() + " ms");
        } catch (IOException e) {
            if (cancel.cancelled()) return SandboxRun.failed(SandboxRun.Outcome.CANCELLED, "cancelled");
            return SandboxRun.failed(SandboxRun.Outcome.NETWORK, "the sandbox endpoint could not be reached ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    /**
     * The route's JSON (sent as text/plain) read as it arrives, keeping at most {@code maxChars}
     * of the cell's output (docs/upstream.md, "The sandbox").
     */
    static SandboxRun read(InputStream answer, long maxChars) throws IOException {
        try {
            return new SandboxAnswer(new BufferedReader(new InputStreamReader(answer, StandardCharsets.UTF_8), 16 * 1024), maxChars).run();
        } catch (SandboxAnswer.Malformed e) {
            return SandboxRun.failed(SandboxRun.Outcome.BAD_JSON, e.getMessage());
        }
    }

    /** The first byte that is not white space, without taking it; -1 when there is none in the first kilobyte. */
    private static int firstVisible(BufferedSource source) throws IOException {
        source.request(1024);
        Buffer buffer = source.getBuffer();
        for (long i = 0; i < Math.min(buffer.size(), 1024); i++) {
            byte b = buffer.getByte(i);
            if (!Character.isWhitespace(b)) return b;
        }
        return -1;
    }
}
