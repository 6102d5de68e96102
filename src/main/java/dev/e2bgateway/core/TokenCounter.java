package dev.e2bgateway.core;

import dev.e2bgateway.models.ModelSpec;
import dev.e2bgateway.tokens.Tokenizer;
import dev.e2bgateway.upstream.FragmentsRequest;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Counts tokens: {@code o200k_base} for the GPT-4o / 4.1 / 4.5 / 5 and o-series family,
 * {@code cl100k_base} as the approximation for every other provider. Each encoding loads when
 * a request first needs it (about a tenth of a second, 2 to 4.3 MB); {@code o200k_base} earlier
 * through {@link #warmUpInBackground()}.
 */
public final class TokenCounter {

    private static final Pattern O200K_FAMILY = Pattern.compile("^(gpt-4o|gpt-4\\.1|gpt-4\\.5|gpt-5|o\\d|openai/gpt-oss).*");

    /** OpenAI's accounting: every message costs a few tokens beyond its text, the reply 3 more. */
    private static final int PER_MESSAGE = 3;
    private static final int REPLY_PRIMING = 3;
    /** A flat estimate per image; the real figure depends on the provider and the image size. */
    private static final int PER_IMAGE = 85;

    /** Each vocabulary loads once per process, when first used: class initialisation makes that lazy and thread-safe. */
    private static final class O200k {
        static final Tokenizer TOKENIZER = Tokenizer.o200k();
    }

    private static final class Cl100k {
        static final Tokenizer TOKENIZER = Tokenizer.cl100k();
    }

    /**
     * Loads {@code o200k_base} on a daemon thread (the gateway starts it first thing), so a first
     * chat seldom waits for it. {@code cl100k_base} loads when a model that uses it is first
     * counted: a gateway whose clients never ask for one does not hold its 2 MB.
     */
    public void warmUpInBackground() {
        Thread t = new Thread(() -> tokenizer(true), "token-counter-warm-up");
        t.setDaemon(true);
        t.start();
    }

    public Tokenizer tokenizerFor(ModelSpec model) {
        boolean o200k = O200K_FAMILY.matcher(model.upstreamId()).matches() || O200K_FAMILY.matcher(model.id()).matches();
        return tokenizer(o200k);
    }

    private final UpstreamRequests requests;

    /**
     * Counts of texts already counted. An agent sends the same system prompt, tools and
     * history on every turn (tens of kilobytes, about 20 ms of tokenizing each time), and a
     * streamed Messages reply reads the count twice; a text is found again by its length and a
     * 64-bit hash, so the cache holds no text.
     */
    private final Map<TextKey, Integer> counted = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<TextKey, Integer> eldest) {
            return size() > CACHED_TEXTS;
        }
    };
    private static final int CACHED_TEXTS = 1024;
    /**
     * Shorter texts are counted every time: looking them up would cost about as much. From here
     * on a lookup (two hashes, about 1 ns a character, and the map's fixed 0.1 µs) is ten to
     * thirty times cheaper than tokenizing (about 20-40 ns a character): an agent's history of
     * short turns, sent again with every request, is remembered message by message, and so is
     * the gateway's own system prompt of a chat without tools (about 1.3 KB).
     */
    private static final int CACHED_FROM_CHARS = 64;

    private record TextKey(Tokenizer encoding, int length, long hash) {}

    /** @param requests builds the upstream prompt, which is what gets counted */
    public TokenCounter(UpstreamRequests requests) {
        this.requests = requests;
    }

    /**
     * Prompt tokens of a request: what the model actually receives, with OpenAI's per-message
     * overhead. That is the upstream's system prompt (the gateway's chat prompt, the tools section
     * and the output format, then the client's system prompt) and the messages as sent (the
     * transcript of earlier calls and results included, one role's consecutive messages merged).
     * Agents decide when to compact their context from this number, so it must not leave out
     * the tens of kilobytes the gateway adds; usage, {@code count_tokens} and
     * {@code input_tokens} all read it, so they agree.
     */
    public int promptTokens(ChatRequest request) {
        return promptTokens(request, requests.systemPrompt(request));
    }

    /** The same, with the upstream's system prompt already rendered. */
    int promptTokens(ChatRequest request, String systemPrompt) {
        Tokenizer encoding = tokenizerFor(request.model());
        int total = REPLY_PRIMING + PER_MESSAGE + remembered(encoding, systemPrompt);
        for (FragmentsRequest.Message m : FragmentsRequest.asSent(UpstreamRequests.messages(request.messages()))) {
            total += PER_MESSAGE;
            for (FragmentsRequest.Part part : m.parts()) {
                total += part instanceof FragmentsRequest.Text t ? remembered(encoding, t.text()) : PER_IMAGE;
            }
        }
        return total;
    }

    /** {@link #count}, remembered for long texts. */
    int remembered(Tokenizer encoding, String text) {
        if (text.length() < CACHED_FROM_CHARS) return count(encoding, text);
        TextKey key = new TextKey(encoding, text.length(), hash64(text));
        synchronized (counted) {
            Integer known = counted.get(key);
            if (known != null) return known;
        }
        int n = count(encoding, text);
        synchronized (counted) {
            counted.put(key, n);
        }
        return n;
    }

    /**
     * A 64-bit fingerprint: {@link String#hashCode} of the whole text and of its second half, each
     * computed by the JVM's vectorised intrinsic (a byte-at-a-time hash took about 9 % of an
     * agent-sized request's CPU). A cheap fingerprint, not a security measure.
     */
    static long hash64(String text) {
        return ((long) text.hashCode() << 32) | (text.substring(text.length() / 2).hashCode() & 0xffffffffL);
    }

    /** Text beyond this many characters is estimated, not tokenized. */
    static final int EXACT_CHARS = 65_536;

    /**
     * The tokens of {@code text}: exact for the first {@link #EXACT_CHARS} characters, then one
     * token per four characters. Tokenizing is linear but slow on long text without spaces (about
     * 5 µs a character), and a client could otherwise make one request cost tens of seconds of CPU;
     * the counts are estimates for other providers anyway.
     */
    static int count(Tokenizer encoding, String text) {
        String wellFormed = Texts.wellFormed(text);
        if (wellFormed.length() <= EXACT_CHARS) return encoding.count(wellFormed);
        int cut = EXACT_CHARS;
        if (Character.isHighSurrogate(wellFormed.charAt(cut - 1))) cut--;
        return encoding.count(wellFormed.substring(0, cut)) + (wellFormed.length() - cut + 3) / 4;
    }

    private static Tokenizer tokenizer(boolean o200k) {
        return o200k ? O200k.TOKENIZER : Cl100k.TOKENIZER;
    }
}
