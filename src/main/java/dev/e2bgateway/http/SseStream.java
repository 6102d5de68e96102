package dev.e2bgateway.http;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * A server-sent-events response written straight to the servlet stream and flushed after
 * every event. Javalin's own {@code sse()} is GET-only and its compressing stream ignores
 * flush; OpenAI clients POST and need each event at once.
 */
public final class SseStream {

    private final HttpServletResponse response;
    private final String contentType;
    private ServletOutputStream out;

    public SseStream(HttpServletResponse response) {
        this(response, "text/event-stream");
    }

    /** A stream of another framing (Ollama's NDJSON, Gemini's JSON array streamed element by element), written and flushed the same way. */
    public SseStream(HttpServletResponse response, String contentType) {
        this.response = response;
        this.contentType = contentType;
    }

    /** True once the 200 and its headers have gone out: errors must then be sent in-band. */
    public boolean started() {
        return out != null;
    }

    /** Sends the 200 and the stream's headers. */
    public void start() throws IOException {
        if (out != null) return;
        response.setStatus(200);
        response.setContentType(contentType);
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no"); // nginx: do not buffer this response
        out = response.getOutputStream();
    }

    /**
     * Ends the response now (the chunked body's last chunk goes out), so a chat leaves the
     * in-flight set only once its client has the whole stream: a shutdown that stops the
     * server right after the last chat cannot cut a stream before its end.
     */
    public void close() throws IOException {
        if (out != null) out.close();
    }

    /** Writes one complete event (its bytes end with a blank line) and flushes it. */
    public void send(byte[] event) throws IOException {
        start();
        out.write(event);
        out.flush();
    }
}
