package dev.e2bgateway.upstream;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.e2bgateway.support.Fragments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FragmentReaderTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Bodies whose every split must give back exactly the code a full parse gives. */
    enum Body {
        PLAIN(Fragments.json("Hi.", "Hello! I am an AI assistant.\nHow can I help?")),
        CJK_EMOJI_RAW(Fragments.json("好的", "你好，世界！😀 Café — naïve 👩‍💻 done")),
        CJK_EMOJI_ESCAPED(Fragments.jsonAsciiEscaped("好的", "你好，世界！😀 Café — naïve 👩‍💻 done")),
        ESCAPES(Fragments.json("q", "quote \" backslash \\ slash / tab \t cr \r nl \n ctrl \u0001 end\\")),
        PRETTY(Fragments.jsonPretty("c", "pretty\n  printed {\"json\": [1, 2]}")),
        CODE_FIRST("{\"code\":\"first 🎉\",\"commentary\":\"after\",\"nested\":{\"code\":\"not this\",\"a\":[\"]\",{}]}}"),
        SPACED("{ \"commentary\" : \"x\" ,\n\t\"port\" : null , \"ok\" : true, \"n\": -1.5e3 , \"code\"\n:\n\"spaced\" }"),
        SOLIDUS_AND_UNICODE_ESCAPES("{\"code\":\"\\/\\u00e9\\u4F60\\ud83d\\ude00\\u0041\"}"),
        COMMENTARY_ONLY(Fragments.json("The reply is here.", "")),
        NO_CODE_KEY("{\"commentary\":\"only commentary 😀\",\"title\":\"t\"}");

        final String text;

        Body(String text) {
            this.text = text;
        }
    }

    @ParameterizedTest
    @EnumSource(Body.class)
    void every_split_point_gives_the_exact_reply(Body body) throws Exception {
        byte[] bytes = body.text.getBytes(StandardCharsets.UTF_8);
        String expected = expectedReply(body.text);
        for (int split = 0; split <= bytes.length; split++) {
            assertThat(read(bytes, split, bytes.length)).as("split at byte %d", split).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @EnumSource(Body.class)
    void byte_by_byte_and_every_chunk_size_give_the_exact_reply(Body body) throws Exception {
        byte[] bytes = body.text.getBytes(StandardCharsets.UTF_8);
        String expected = expectedReply(body.text);
        for (int size = 1; size <= 9; size++) {
            List<String> deltas = deltas(bytes, size);
            assertThat(String.join("", deltas)).as("chunks of %d", size).isEqualTo(expected);
            for (String d : deltas) {
                assertThat(Character.isHighSurrogate(d.charAt(d.length() - 1))).as("delta ends in half a character").isFalse();
                assertThat(Character.isLowSurrogate(d.charAt(0))).as("delta starts in half a character").isFalse();
            }
        }
    }

    @Test
    void code_streams_as_it_grows_not_at_the_end() throws Exception {
        FragmentReader reader = new FragmentReader();
        assertThat(reader.feed(bytes("{\"commentary\": \"Replying\", \"code\": \"Hel"))).isEqualTo("Hel");
        assertThat(reader.feed(bytes("lo\\"))).isEqualTo("lo");
        assertThat(reader.feed(bytes("n wor"))).isEqualTo("\n wor");
        assertThat(reader.feed(bytes("ld\"}"))).isEqualTo("ld");
        assertThat(reader.finish()).isEmpty();
    }

    @Test
    void commentary_is_the_reply_only_once_the_object_closes_with_empty_code() throws Exception {
        FragmentReader reader = new FragmentReader();
        assertThat(reader.feed(bytes("{\"commentary\": \"All in commentary\", \"code\": \"\""))).isEmpty();
        assertThat(reader.feed(bytes("}"))).isEmpty();
        assertThat(reader.finish()).isEqualTo("All in commentary");
    }

    enum Broken {
        CUT_IN_CODE("{\"commentary\":\"c\",\"code\":\"partial", FragmentException.Kind.CUT),
        CUT_BEFORE_CODE("{\"commentary\":\"c\",", FragmentException.Kind.CUT),
        CUT_AFTER_CODE("{\"code\":\"done\"", FragmentException.Kind.CUT),
        EMPTY("", FragmentException.Kind.EMPTY),
        HTML("<!DOCTYPE html><html>", FragmentException.Kind.NOT_JSON),
        PLAIN_TEXT("Sorry, something went wrong", FragmentException.Kind.NOT_JSON),
        BAD_ESCAPE("{\"code\":\"a\\qb\"}", FragmentException.Kind.MALFORMED),
        BAD_HEX("{\"code\":\"\\u12G4\"}", FragmentException.Kind.MALFORMED),
        MISSING_COLON("{\"code\" \"x\"}", FragmentException.Kind.MALFORMED);

        final String text;
        final FragmentException.Kind kind;

        Broken(String text, FragmentException.Kind kind) {
            this.text = text;
            this.kind = kind;
        }
    }

    @ParameterizedTest
    @EnumSource(Broken.class)
    void a_broken_body_is_reported_by_kind(Broken broken) {
        assertThatThrownBy(() -> {
            FragmentReader reader = new FragmentReader();
            reader.feed(bytes(broken.text));
            reader.finish();
        }).isInstanceOfSatisfying(FragmentException.class, e -> assertThat(e.kind()).isEqualTo(broken.kind));
    }

    @Test
    void invalid_utf8_becomes_replacement_characters_not_a_failure() throws Exception {
        byte[] body = {'{', '"', 'c', 'o', 'd', 'e', '"', ':', '"', 'a', (byte) 0xC3, 'b', (byte) 0xFF, '"', '}'};
        FragmentReader reader = new FragmentReader();
        String text = reader.feed(body) + reader.finish();
        assertThat(text).isEqualTo("a\uFFFDb\uFFFD");
    }

    @Test
    void a_high_surrogate_is_held_until_its_partner_arrives() throws Exception {
        FragmentReader reader = new FragmentReader();
        assertThat(reader.feed(bytes("{\"code\":\"x\\ud83d"))).isEqualTo("x");
        assertThat(reader.feed(bytes("\\ude00\"}"))).isEqualTo("😀");
    }

    @Test
    void surrogates_without_a_partner_become_replacement_characters() throws Exception {
        FragmentReader reader = new FragmentReader();
        String text = reader.feed(bytes("{\"code\":\"a\\ud83db\\ude00c\\ud83d\\ude00\"}")) + reader.finish();
        assertThat(text).isEqualTo("a\uFFFDb\uFFFDc😀");
        FragmentReader trailing = new FragmentReader();
        assertThat(trailing.feed(bytes("{\"code\":\"x\\ud83d\"}")) + trailing.finish()).isEqualTo("x\uFFFD");
    }

    private static String expectedReply(String body) throws Exception {
        var node = JSON.readTree(body);
        String code = node.path("code").asText("");
        return code.isEmpty() ? node.path("commentary").asText("") : code;
    }

    private static String read(byte[] bytes, int split, int length) throws FragmentException {
        FragmentReader reader = new FragmentReader();
        StringBuilder out = new StringBuilder();
        out.append(reader.feed(bytes, 0, split));
        out.append(reader.feed(bytes, split, length - split));
        out.append(reader.finish());
        return out.toString();
    }

    private static List<String> deltas(byte[] bytes, int size) throws FragmentException {
        FragmentReader reader = new FragmentReader();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < bytes.length; i += size) {
            String d = reader.feed(bytes, i, Math.min(size, bytes.length - i));
            if (!d.isEmpty()) out.add(d);
        }
        String rest = reader.finish();
        if (!rest.isEmpty()) out.add(rest);
        return out;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
