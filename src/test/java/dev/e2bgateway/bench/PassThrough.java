package dev.e2bgateway.bench;

import io.javalin.Javalin;
import okhttp3.ConnectionPool;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

import java.util.concurrent.TimeUnit;

/**
 * The benchmark's baseline: the least a Java gateway built on the same libraries can do. Javalin
 * takes the client's POST, OkHttp sends its body to the upstream's chat endpoint, and the
 * upstream's reply goes back as it came: no parsing, no checks, no logging, no metrics.
 * {@code PassThrough <port> <upstreamPort>}; started by {@link Benchmark} with the gateway's JVM flags.
 */
public final class PassThrough {

    private static final MediaType JSON = MediaType.get("application/json");

    private PassThrough() {
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        String upstream = "http://127.0.0.1:" + Integer.parseInt(args[1]) + "/api/chat";
        OkHttpClient http = new OkHttpClient.Builder()
                .connectionPool(new ConnectionPool(64, 5, TimeUnit.MINUTES))
                .retryOnConnectionFailure(false)
                .fastFallback(false)
                .build();
        Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.concurrency.useVirtualThreads = true; // as the gateway's default (Java 21+; a platform pool on 17)
            cfg.routes.post("/v1/chat/completions", ctx -> {
                Request request = new Request.Builder().url(upstream).post(RequestBody.create(ctx.bodyAsBytes(), JSON)).build();
                try (Response r = http.newCall(request).execute()) {
                    ctx.status(r.code()).contentType("application/json").result(r.body().bytes());
                }
            });
        }).start("127.0.0.1", port);
    }
}
