package dev.e2bgateway.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.e2bgateway.support.Gateway;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The Gemini wire as a strict client reads it: a POST with Google's key header, SSE events, a reply's text. */
final class GeminiWire {

    private GeminiWire() {
    }

    static Response post(Gateway gateway, String path, String body) throws IOException {
        return gateway.http.newCall(new Request.Builder().url(gateway.baseUrl() + path)
                .header("x-goog-api-key", Gateway.KEY)
                .post(RequestBody.create(body, MediaType.get("application/json"))).build()).execute();
    }

    /** Each event exactly {@code data: <one line of JSON>} and a blank line, and nothing else (Gemini CLI's parser). */
    static List<JsonNode> sseEvents(String body) throws IOException {
        assertThat(body).endsWith("\n\n");
        List<JsonNode> events = new ArrayList<>();
        for (String frame : body.substring(0, body.length() - 2).split("\n\n", -1)) {
            assertThat(frame).startsWith("data: ").doesNotContain("\n").doesNotContain("\r");
            events.add(Gateway.json(frame.substring(6)));
        }
        return events;
    }

    /** The text of all chunks, in order. */
    static String text(List<JsonNode> chunks) {
        StringBuilder text = new StringBuilder();
        for (JsonNode c : chunks) {
            for (JsonNode p : c.at("/candidates/0/content/parts")) text.append(p.path("text").asText(""));
        }
        return text.toString();
    }
}
