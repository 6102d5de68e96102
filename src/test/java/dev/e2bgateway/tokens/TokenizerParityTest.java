package dev.e2bgateway.tokens;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Our tokenizer against jtokkit (which matches tiktoken) on tricky text, real text and random
 * text drawn from every character class the splitting rules tell apart.
 */
class TokenizerParityTest {

    private static final EncodingRegistry JTOKKIT = Encodings.newLazyEncodingRegistry();
    private static final Tokenizer O200K = Tokenizer.o200k();
    private static final Tokenizer CL100K = Tokenizer.cl100k();

    /** Pieces that exercise each alternative of both patterns and the boundaries between them. */
    private static final String[] ALPHABET = {
            "a", "b", "Z", "Q", "é", "É", "ß", "ǅ", "ʰ", "ſ", "ı", "İ", "K", "\u0301", "\u0903", "\u20dd", "中", "文", "あ", "한",
            "ا", "ب", "ॐ", "ก", "\u0e31", "0", "7", "٣", "½", "Ⅻ", "𝟘", "'", "’", "s", "S", "t", "T", "re", "RE", "ve", "Ve", "ll",
            "LL", "m", "M", "d", "D", " ", " ", "  ", "\t", "\n", "\r\n", "\r", "\u000b", "\u000c", "\u0085", "\u00a0", "\u2028",
            "\u2029", "\u3000", "\u200b", "\u2003", ".", ",", "!", "?", "/", "//", "-", "_", "(", ")", "\"", "#", "$", "%", "&", "*",
            "😀", "👍🏽", "🇩🇪", "\u200d", "\ufe0f", "™", "©", "€", "→", "\u0000", "\u007f", "\u00ad", "\ue000", "𐍈", "𝔘", "word",
            "Hello", "HELLO", "camelCase", "snake_case", "x1", "123456", "3.14", "'s", "'T", "'Re", "'ll", "'VE", "'M", "'d"
    };

    private static Encoding jtokkit(Tokenizer t) {
        return JTOKKIT.getEncoding(t == O200K ? EncodingType.O200K_BASE : EncodingType.CL100K_BASE);
    }

    private static void same(Tokenizer t, String text) {
        assertThat(t.count(text)).as("%s tokens of %s", t.name(), escaped(text)).isEqualTo(jtokkit(t).countTokensOrdinary(text));
    }

    @Test
    void tricky_text_counts_the_same() {
        List<String> texts = new ArrayList<>(List.of("", "a", " ", "\n", "Hello, world!", "HELLOworld", "HELLO", "helloWORLD",
                "I'm sure they're fine, you'll see; we've done it, he's 'd", "I'M SURE THEY'RE FINE", "it'ſ", "don’t",
                "x  y", "x   y", "x \n y", "x\n\n  y", "  \n", "\n  ", "end   ", "a\u00a0b", "a\u3000\u3000b", "tab\tbed",
                "line\r\nline\r\n\r\n", "1234567", "٣٤٥٦", "½¾", "a1b22c333d4444", "((((", "!!\n/", "x!!//\n\n/y", " .", " !?",
                "ǅungla ǄUNGLA", "ʰʰʰ", "é\u0301\u0301", "\u0301\u0301a", " \u0301a", "中文字符 和 English 混合", "日本語のテキスト",
                "한국어 텍스트", "مرحبا بالعالم", "ภาษาไทย", "emoji 😀😀 👍🏽 🇩🇪🇫🇷 👨‍👩‍👧", "https://example.com/a/b?c=d&e=f#g",
                "def f(x):\n    return x ** 2\n\n\n", "{\"key\": [1, 2.5, \"v\"], \"n\": null}", "<tool_calls>\n<invoke name=\"x\">",
                "a".repeat(300), "ab".repeat(500), "aGVsbG8gd29ybGQ=".repeat(40), "9".repeat(100), "!".repeat(200), " ".repeat(100) + "x"));
        for (String text : texts) {
            same(O200K, text);
            same(CL100K, text);
        }
    }

    @Test
    void real_text_counts_the_same() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Stream.concat(Stream.of(Path.of("README.md")), Files.walk(Path.of("src/main/java")).filter(p -> p.toString().endsWith(".java")))) {
            files = s.limit(80).toList();
        }
        for (Path file : files) {
            String text = Files.readString(file);
            same(O200K, text);
            same(CL100K, text);
        }
    }

    @Test
    void random_text_from_every_class_counts_the_same() {
        Random random = new Random(20261127);
        for (int i = 0; i < 30_000; i++) {
            StringBuilder s = new StringBuilder();
            int parts = random.nextInt(i % 100 == 0 ? 400 : 24);
            for (int p = 0; p < parts; p++) s.append(ALPHABET[random.nextInt(ALPHABET.length)]);
            String text = s.toString();
            same(O200K, text);
            same(CL100K, text);
        }
    }

    @Test
    void random_code_points_count_the_same() {
        Random random = new Random(7);
        for (int i = 0; i < 5_000; i++) {
            StringBuilder s = new StringBuilder();
            int length = random.nextInt(40);
            while (s.length() < length) {
                int cp = random.nextInt(4) == 0 ? random.nextInt(0x80) : random.nextInt(0x30000);
                if (Character.getType(cp) == Character.SURROGATE || !Character.isValidCodePoint(cp)) continue;
                s.appendCodePoint(cp);
            }
            same(O200K, s.toString());
            same(CL100K, s.toString());
        }
    }

    @Test
    void long_pieces_merge_the_same_through_the_heap() {
        Random random = new Random(3);
        for (int i = 0; i < 300; i++) {
            StringBuilder s = new StringBuilder();
            int length = 97 + random.nextInt(3000);
            String letters = i % 3 == 0 ? "ab" : i % 3 == 1 ? "abcdefghijklmnopqrstuvwxyz" : "aé中ß";
            for (int k = 0; k < length; k++) s.append(letters.charAt(random.nextInt(letters.length())));
            same(O200K, s.toString());
            same(CL100K, s.toString());
        }
    }

    /** The first n tokens of a text: as many, and covering as much text, as jtokkit's (which also stops before a split character). */
    @Test
    void a_prefix_of_n_tokens_covers_what_jtokkits_first_n_tokens_do() {
        Random random = new Random(5);
        int compared = 0;
        for (int i = 0; i < 5_000; i++) {
            StringBuilder s = new StringBuilder();
            int parts = 1 + random.nextInt(30);
            for (int p = 0; p < parts; p++) s.append(ALPHABET[random.nextInt(ALPHABET.length)]);
            String text = s.toString();
            for (Tokenizer t : new Tokenizer[]{O200K, CL100K}) {
                int total = jtokkit(t).countTokensOrdinary(text);
                int limit = 1 + random.nextInt(total + 1); // jtokkit keeps a token at 0 for cl100k; the limiter never asks for 0
                Tokenizer.Prefix ours = t.prefix(text, limit);
                var theirs = jtokkit(t).encodeOrdinary(text, limit);
                assertThat(ours.tokens()).as("%s tokens within %d of %s", t.name(), limit, escaped(text)).isEqualTo(theirs.getTokens().size());
                assertThat(ours.truncated()).as("truncated at %d of %s", limit, escaped(text)).isEqualTo(theirs.isTruncated());
                assertThat(ours.chars()).as("chars of %d tokens of %s", limit, escaped(text))
                        .isEqualTo(jtokkit(t).decode(theirs.getTokens()).length());
                if (ours.truncated()) compared++;
            }
        }
        assertThat(compared).as("cases cut short").isGreaterThan(3_000);
    }

    /** The encodings' own patterns, as tiktoken and jtokkit write them, with Java's Unicode classes. */
    static final Pattern O200K_PATTERN = Pattern.compile(String.join("|",
            "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
            "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
            "\\p{N}{1,3}", " ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*", "\\s*[\\r\\n]+", "\\s+(?!\\S)", "\\s+"), Pattern.UNICODE_CHARACTER_CLASS);
    static final Pattern CL100K_PATTERN = Pattern.compile(
            "'(?i:[sdmt]|ll|ve|re)|[^\\r\\n\\p{L}\\p{N}]?+\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]++[\\r\\n]*|\\s*[\\r\\n]|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    /** Piece for piece, not just the count: where each piece ends is where the pattern's match ends. */
    @Test
    void pieces_end_where_the_patterns_matches_end() {
        Random random = new Random(11);
        for (int i = 0; i < 40_000; i++) {
            StringBuilder s = new StringBuilder();
            int parts = random.nextInt(20);
            for (int p = 0; p < parts; p++) s.append(ALPHABET[random.nextInt(ALPHABET.length)]);
            String text = s.toString();
            assertThat(pieces(Splitter.O200K, text)).as("o200k pieces of %s", escaped(text)).isEqualTo(matches(O200K_PATTERN, text));
            assertThat(pieces(Splitter.CL100K, text)).as("cl100k pieces of %s", escaped(text)).isEqualTo(matches(CL100K_PATTERN, text));
        }
    }

    static List<String> pieces(Splitter splitter, String text) {
        int[] c = text.codePoints().toArray();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < c.length; ) {
            int end = splitter.end(c, i, c.length);
            out.add(new String(c, i, end - i));
            i = end;
        }
        return out;
    }

    static List<String> matches(Pattern pattern, String text) {
        List<String> out = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) out.add(m.group());
        return out;
    }

    static String escaped(String text) {
        StringBuilder out = new StringBuilder("\"");
        text.codePoints().limit(200).forEach(cp -> {
            if (cp >= 0x20 && cp < 0x7f) out.appendCodePoint(cp);
            else out.append(String.format("\\u{%x}", cp));
        });
        return out.append('"').toString();
    }
}
