package dev.e2bgateway.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSource;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    /** Images make the body large; more than this is not a cell's output. */
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

    /** POST /api/sandbox with {@code code} as a {@code code-interpreter-v1} fragment; {@code userId} is metadata only. */
    public SandboxRun run(String code, String userId, CancelHook cancel) {
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
            if (source.request(MAX_BODY_BYTES + 1)) {
                return SandboxRun.failed(SandboxRun.Outcome.BAD_JSON, "the sandbox answer was larger than " + MAX_BODY_BYTES + " bytes");
            }
            byte[] answer = source.readByteArray();
            boolean html = contentType.startsWith("text/html") || startsWith(answer, '<');
            if (response.code() != 200) {
                return SandboxRun.failed(html ? SandboxRun.Outcome.HTML : SandboxRun.Outcome.HTTP_ERROR,
                        "the sandbox endpoint answered " + response.code() + (html ? " with an HTML page" : answer.length == 0 ? " with an empty body" : ""));
            }
            if (html) return SandboxRun.failed(SandboxRun.Outcome.HTML, "the sandbox endpoint answered with an HTML page");
            return parse(answer);
        } catch (InterruptedIOException e) {
            if (cancel.cancelled()) return SandboxRun.failed(SandboxRun.Outcome.CANCELLED, "cancelled");
            return SandboxRun.failed(SandboxRun.Outcome.TIMEOUT, "the sandbox did not answer within " + timeout.toMillis() + " ms");
        } catch (IOException e) {
            if (cancel.cancelled()) return SandboxRun.failed(SandboxRun.Outcome.CANCELLED, "cancelled");
            return SandboxRun.failed(SandboxRun.Outcome.NETWORK, "the sandbox endpoint could not be reached ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    /** The route's JSON (sent as text/plain): {@code sbxId}, {@code stdout}/{@code stderr} arrays, {@code runtimeError}, {@code cellResults}. */
    SandboxRun parse(byte[] answer) {
        JsonNode root;
        try {
            root = json.readTree(answer);
        } catch (IOException e) {
            return SandboxRun.failed(SandboxRun.Outcome.BAD_JSON, "the sandbox answer was not JSON");
        }
        if (root == null || !root.isObject() || !(root.has("stdout") || root.has("cellResults") || root.has("runtimeError"))) {
            return SandboxRun.failed(SandboxRun.Outcome.BAD_JSON, "the sandbox answer was not a cell's output");
        }
        List<String> texts = new ArrayList<>();
        List<SandboxRun.Image> images = new ArrayList<>();
        for (JsonNode result : root.path("cellResults")) {
            if (result.path("text").isTextual()) texts.add(result.get("text").asText());
            if (result.path("png").isTextual()) images.add(new SandboxRun.Image("image/png", result.get("png").asText()));
            if (result.path("jpeg").isTextual()) images.add(new SandboxRun.Image("image/jpeg", result.get("jpeg").asText()));
        }
        JsonNode error = root.get("runtimeError");
        SandboxRun.RuntimeError runtimeError = error == null || !error.isObject() ? null
                : new SandboxRun.RuntimeError(error.path("name").asText("Error"), error.path("value").asText(""),
                error.path("traceback").asText(""));
        return new SandboxRun(runtimeError == null ? SandboxRun.Outcome.OK : SandboxRun.Outcome.RUNTIME_ERROR,
                root.path("sbxId").asText(""), joined(root.get("stdout")), joined(root.get("stderr")), runtimeError, texts, images, "");
    }

    /** The route sends output as an array of chunks; a plain string is taken as it is. */
    private static String joined(JsonNode chunks) {
        if (chunks == null || chunks.isNull()) return "";
        if (chunks.isTextual()) return chunks.asText();
        StringBuilder out = new StringBuilder();
        for (JsonNode c : chunks) out.append(c.asText(""));
        return out.toString();
    }

    private static boolean startsWith(byte[] bytes, char c) {
        for (byte b : bytes) {
            if (!Character.isWhitespace(b)) return b == c;
        }
        return false;
    }
}
