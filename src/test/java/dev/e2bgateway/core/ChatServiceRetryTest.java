package dev.e2bgateway.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.e2bgateway.config.ProviderKeys;
import dev.e2bgateway.error.ApiError;
import dev.e2bgateway.models.ModelCatalog;
import dev.e2bgateway.support.FakeFragments;
import dev.e2bgateway.support.Script;
import dev.e2bgateway.upstream.FragmentsClient;
import dev.e2bgateway.upstream.FragmentsRequest;
import dev.e2bgateway.upstream.UpstreamFailure;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The core's retries against a real fake upstream, with the clock, the random source and the
 * sleeper injected: the waits are seen, not waited.
 */
class ChatServiceRetryTest {

    private static final long NOW = 1_800_000_000_000L;
    private static FakeFragments upstream;
    private static OkHttpClient http;

    private final List<Long> sleeps = new ArrayList<>();
    private final List<UpstreamFailure.Kind> failures = new ArrayList<>();

    @BeforeAll
    static void start() {
        upstream = new FakeFragments();
        http = new OkHttpClient.Builder().retryOnConnectionFailure(false).build();
    }

    @AfterAll
    static void stop() {
        upstream.close();
        http.connectionPool().evictAll();
    }

    private ChatService service(int attempts) {
        return service(attempts, () -> NOW);
    }

    private ChatService service(int attempts, java.util.function.LongSupplier clock) {
        UpstreamEvents events = new UpstreamEvents() {
            @Override
            public void failure(UpstreamFailure.Kind kind) {
                failures.add(kind);
            }
        };
        Sleeper sleeper = (millis, cancellation) -> {
            sleeps.add(millis);
            return true;
        };
        return new ChatService(route(),
                new FragmentsRequest(new ObjectMapper()), new UpstreamRequests(new ObjectMapper()), new TokenCounter(new UpstreamRequests(new ObjectMapper())), events,
                new UpstreamErrors(Duration.ofSeconds(5), () -> NOW),
                new RetryPolicy(attempts, new Backoff(100, 30_000, () -> 0.5, clock), sleeper), new ObjectMapper());
    }

    private static Supplier<RouteTable> route() {
        RouteTable table = new RouteTable(List.of(new Route("default", new FragmentsClient(http, URI.create(upstream.baseUrl()), Duration.ofSeconds(5)),
                ProviderKeys.NONE, 1)), () -> NOW);
        return () -> table;
    }

    private static ChatRequest request() {
        var model = new ModelCatalog(new ObjectMapper()).load(null).find("gpt-4o").orElseThrow();
        return new ChatRequest("gpt-4o", model, null,
                List.of(new ChatRequest.Message(ChatRequest.Role.USER, List.of(new ChatRequest.Text("Hi")))),
                ChatRequest.Sampling.NONE, null, List.of());
    }

    @Test
    void overloaded_answers_are_retried_with_growing_waits() throws Exception {
        upstream.enqueue(Script.status(503, "busy")).enqueue(Script.status(529, "busy")).enqueue(Script.reply("finally"));
        BufferedReply reply = new BufferedReply();
        service(3).complete(request(), new ChatTrace("req_test"), new Cancellation(), reply);
        assertThat(reply.text()).isEqualTo("finally");
        assertThat(sleeps).containsExactly(100L, 200L);
        assertThat(failures).containsExactly(UpstreamFailure.Kind.OVERLOADED, UpstreamFailure.Kind.OVERLOADED);
    }

    @Test
    void the_upstreams_retry_after_sets_the_wait_when_within_the_cap() throws Exception {
        upstream.enqueue(Script.status(503, "busy").header("Retry-After", "3")).enqueue(Script.reply("ok"));
        // Retry-After counts from the moment the answer arrived on the real clock (FragmentsClient reads it); the
        // backoff's clock stands still at a reading taken before the request, so the wait is 3 s plus however long
        // the exchange took: never less (the backoff alone would wait 100 ms), never more than the time measured.
        long before = System.currentTimeMillis();
        service(2, () -> before).complete(request(), new ChatTrace("req_test"), new Cancellation(), new BufferedReply());
        long took = System.currentTimeMillis() - before;
        assertThat(sleeps).hasSize(1);
        assertThat(sleeps.get(0)).isBetween(3_000L, 3_000L + took);
    }

    @Test
    void the_daily_limit_is_not_retried_and_tells_when_to_come_back() {
        upstream.enqueue(Script.status(429, "You have reached your request limit for the day.")
                .header("X-RateLimit-Reset", String.valueOf(NOW + 7_500)));
        assertThatThrownBy(() -> service(3).complete(request(), new ChatTrace("req_test"), new Cancellation(), new BufferedReply()))
                .isInstanceOfSatisfying(ApiError.class, e -> {
                    assertThat(e.status()).isEqualTo(429);
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.retryAfterSeconds()).isEqualTo(8);
                });
        assertThat(sleeps).isEmpty();
    }

    @Test
    void an_overload_with_a_reset_time_waits_exactly_until_it() throws Exception {
        upstream.enqueue(Script.status(503, "busy").header("X-RateLimit-Reset", String.valueOf(NOW + 1_234)))
                .enqueue(Script.reply("ok"));
        service(2).complete(request(), new ChatTrace("req_test"), new Cancellation(), new BufferedReply());
        assertThat(sleeps).containsExactly(1_234L);
    }

    @Test
    void a_cancelled_wait_ends_the_chat_as_client_gone() {
        upstream.enqueue(Script.status(503, "busy"));
        Sleeper cancelledWhileWaiting = (millis, cancellation) -> {
            cancellation.cancel();
            return false;
        };
        ChatService service = new ChatService(route(),
                new FragmentsRequest(new ObjectMapper()), new UpstreamRequests(new ObjectMapper()), new TokenCounter(new UpstreamRequests(new ObjectMapper())), new UpstreamEvents() { },
                new UpstreamErrors(Duration.ofSeconds(5), () -> NOW),
                new RetryPolicy(2, new Backoff(100, 30_000, () -> 0.5, () -> NOW), cancelledWhileWaiting), new ObjectMapper());
        assertThatThrownBy(() -> service.complete(request(), new ChatTrace("req_test"), new Cancellation(), new BufferedReply()))
                .isInstanceOf(ClientGoneException.class);
    }
}
