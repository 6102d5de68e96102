package dev.e2bgateway.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.e2bgateway.App;
import dev.e2bgateway.config.Config;
import dev.e2bgateway.core.InFlight;
import io.javalin.Javalin;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/** The gateway on port 0 against a fake upstream, with a real HTTP client to talk to it. */
public final class Gateway implements AutoCloseable {

    public static final String KEY = "sk-test-0123456789abcdef";
    private static final ObjectMapper JSON = new ObjectMapper();

    public final FakeFragments upstream;
    public final Javalin app;
    public final OkHttpClient http;

    private Gateway(FakeFragments upstream, Javalin app) {
        this.upstream = upstream;
        this.app = app;
        this.http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(30)).retryOnConnectionFailure(false).build();
    }

    public static Gateway start(FakeFragments upstream) {
        return start(upstream, Map.of());
    }

    /** Starts the gateway with test defaults, overridden by {@code env}. */
    public static Gateway start(FakeFragments upstream, Map<String, String> env) {
        return start(upstream, env, System::currentTimeMillis);
    }

    /** As {@link #start(FakeFragments, Map)}, on {@code clock} (Unix ms) instead of the wall clock. */
    public static Gateway start(FakeFragments upstream, Map<String, String> env, LongSupplier clock) {
        Map<String, String> settings = new HashMap<>(Map.of(
                "E2B_API_KEY", KEY,
                "E2B_HOST", "127.0.0.1",
                "E2B_PORT", "0",
                "E2B_BASE_URL", upstream.baseUrl(),
                "E2B_RETRY_DELAY_MS", "10"));
        settings.putAll(env);
        Javalin app = App.build(Config.from(settings), new InFlight(), clock).app().start("127.0.0.1", 0);
        return new Gateway(upstream, app);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + app.port();
    }

    public Request.Builder request(String path) {
        return new Request.Builder().url(baseUrl() + path).header("Authorization", "Bearer " + KEY);
    }

    public Response get(String path) throws IOException {
        return http.newCall(request(path).get().build()).execute();
    }

    public Response post(String path, String json) throws IOException {
        return http.newCall(request(path).post(RequestBody.create(json, MediaType.get("application/json"))).build()).execute();
    }

    /** A chat completion request body with one user message. */
    public static String chat(String model, String userText, String extraFields) {
        return "{\"model\":" + quote(model) + ",\"messages\":[{\"role\":\"user\",\"content\":" + quote(userText) + "}]"
                + (extraFields == null || extraFields.isEmpty() ? "" : "," + extraFields) + "}";
    }

    public static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode json(Response response) throws IOException {
        return JSON.readTree(response.body().string());
    }

    public static JsonNode json(String s) throws IOException {
        return JSON.readTree(s);
    }

    /** The data payloads of an SSE body, in order (the text after "data: " of each event). */
    public static List<String> events(String body) {
        return java.util.Arrays.stream(body.split("\n\n"))
                .filter(e -> !e.isBlank())
                .map(e -> {
                    if (!e.startsWith("data: ") || e.contains("\n")) throw new AssertionError("not one data line: " + e);
                    return e.substring(6);
                })
                .toList();
    }

    @Override
    public void close() {
        app.stop();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
