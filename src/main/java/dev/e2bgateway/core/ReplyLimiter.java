package dev.e2bgateway.core;

import dev.e2bgateway.tokens.Tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Applies the client's stop sequences and token limit to the reply as it streams. Pure.
 *
 * <p>Stop sequences are matched across chunk boundaries by holding back only as many
 * characters as the longest sequence needs (its length minus one). Tokens are counted only
 * once they could matter: a text has at most as many tokens as UTF-8 bytes, so nothing is
 * tokenized while the reply's byte count is within the limit; after that, the text is
 * counted in settled pieces (split before a space, where the tokenizer splits too) so the
 * work stays linear in the reply's length.
 */
public final class ReplyLimiter {

    private static final int SETTLE_AFTER = 2048;
    private static final int KEEP_UNSETTLED = 256;

    private final List<String> stops;
    private final int holdBack;
    private final Integer maxTokens;
    private final Tokenizer encoding;

    private final StringBuilder held = new StringBuilder();
    private final StringBuilder emitted = new StringBuilder();
    private long emittedBytes;
    private int settledChars;
    private int settledTokens;
    private Finish.Reason finished;
    private String matchedStop;

    public ReplyLimiter(List<String> stops, Integer maxTokens, Tokenizer encoding) {
        this.stops = stops.stream().filter(s -> !s.isEmpty()).toList();
        this.holdBack = this.stops.stream().mapToInt(String::length).max().orElse(1) - 1;
        this.maxTokens = maxTokens;
        this.encoding = encoding;
    }

    /** Takes the next text; returns what may be sent now (possibly ""). */
    public String accept(String delta) {
        if (finished != null) return "";
        held.append(delta);
        int stopAt = -1;
        for (String stop : stops) {
            int i = held.indexOf(stop);
            if (i >= 0 && (stopAt < 0 || i < stopAt)) {
                stopAt = i;
                matchedStop = stop;
            }
        }
        String ready;
        if (stopAt >= 0) {
            ready = held.substring(0, stopAt);
            held.setLength(0);
            String out = limitTokens(ready);
            if (finished == null) finished = Finish.Reason.STOP_SEQUENCE;
            else matchedStop = null;
            return out;
        }
        int cut = held.length() - holdBack;
        if (cut <= 0) return "";
        if (Character.isHighSurrogate(held.charAt(cut - 1))) cut--;
        ready = held.substring(0, cut);
        held.delete(0, cut);
        return limitTokens(ready);
    }

    /** The reply ended: returns the held-back text that is still to be sent. */
    public String flush() {
        if (finished != null) return "";
        String rest = held.toString();
        held.setLength(0);
        return limitTokens(rest);
    }

    /** Why the limiter ended the reply, or null while it is open. */
    public Finish.Reason finished() {
        return finished;
    }

    /** The stop sequence that ended the reply, or null. */
    public String matchedStop() {
        return finished == Finish.Reason.STOP_SEQUENCE ? matchedStop : null;
    }

    /** Tokens of everything sent so far. */
    public int emittedTokens() {
        return settledTokens + encoding.count(emitted.substring(settledChars));
    }

    private String limitTokens(String text) {
        if (text.isEmpty()) return text;
        long bytes = utf8Length(text);
        if (maxTokens == null || emittedBytes + bytes < maxTokens) {
            return send(text, bytes);
        }
        String unsettled = emitted.substring(settledChars) + text;
        int budget = maxTokens - settledTokens;
        if (budget <= 0) {
            finished = Finish.Reason.LENGTH;
            return "";
        }
        Tokenizer.Prefix fits = encoding.prefix(unsettled, budget);
        if (!fits.truncated() && fits.tokens() < budget) {
            String out = send(text, bytes);
            settle();
            return out;
        }
        // The limit is reached within this text: send the part that fits, then stop.
        int keep = Math.max(0, Math.min(text.length(), fits.chars() - (unsettled.length() - text.length())));
        finished = Finish.Reason.LENGTH;
        String part = text.substring(0, keep);
        return part.isEmpty() ? part : send(part, utf8Length(part));
    }

    private String send(String text, long bytes) {
        emitted.append(text);
        emittedBytes += bytes;
        return text;
    }

    /** Counts the older part of the text once, so later counts only look at the recent tail. */
    private void settle() {
        if (emitted.length() - settledChars < SETTLE_AFTER) return;
        int split = emitted.length() - KEEP_UNSETTLED;
        while (split > settledChars && !(emitted.charAt(split) == ' ' && emitted.charAt(split - 1) != ' ')) split--;
        if (split <= settledChars) return;
        settledTokens += encoding.count(emitted.substring(settledChars, split));
        settledChars = split;
    }

    private static long utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
