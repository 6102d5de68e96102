package dev.e2bgateway.support;

import okhttp3.Response;
import okio.BufferedSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Reads SSE events off a live response one at a time, checking each is exactly one data line. */
public final class SseReader {

    private final BufferedSource source;

    public SseReader(Response response) {
        this.source = response.body().source();
    }

    /** The next event's data, or null at the end of the body. */
    public String next() throws IOException {
        String line = source.readUtf8Line();
        if (line == null) return null;
        if (!line.startsWith("data: ")) throw new AssertionError("not a data line: " + line);
        String blank = source.readUtf8Line();
        if (blank == null || !blank.isEmpty()) throw new AssertionError("event not ended by a blank line: " + blank);
        return line.substring(6);
    }

    public List<String> rest() throws IOException {
        List<String> out = new ArrayList<>();
        for (String e = next(); e != null; e = next()) out.add(e);
        return out;
    }
}
