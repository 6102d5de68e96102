package dev.e2bgateway.tools;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.e2bgateway.tools.Tags.Match;
import dev.e2bgateway.tools.Tags.Opener;
import dev.e2bgateway.tools.Tags.StartTag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tag reader on text that is still arriving: a tag it reads in full is the one a regular
 * expression of the format reads; and what it says of a prefix never contradicts what it says
 * once the rest has come (a match found stays the same match, a tag ruled out stays ruled out),
 * so the parser may act on a prefix. The fuzz target runs its committed corpus on every build.
 */
class TagsFuzzTest {

    private static final List<String> OPENS = List.of(Tags.TOOL_CALLS, Tags.INVOKE, Tags.PARAMETER);
    private static final String SPACE = "[ \\n\\t\\r]";
    /** The start tag by the format: attributes with quoted values that hold no {@code <}, {@code >} or newline. */
    private static final String ATTRIBUTES = "((?:" + SPACE + "+[A-Za-z0-9_:-]+" + SPACE + "*=" + SPACE + "*(?:\"[^\"<>\\n]*\"|'[^'<>\\n]*'))*)"
            + SPACE + "*>";
    private static final Pattern NAME = Pattern.compile(SPACE + "+([A-Za-z0-9_:-]+)" + SPACE + "*=" + SPACE + "*(?:\"([^\"<>\\n]*)\"|'([^'<>\\n]*)')");
    /** Longer tags are refused on purpose (Tags.MAX_TAG); the reference is checked below it. */
    private static final int SHORT = 400;

    private static final java.util.Map<String, Pattern> TAGS = OPENS.stream().collect(java.util.stream.Collectors.toMap(o -> o,
            o -> Pattern.compile(Pattern.quote(o) + ATTRIBUTES)));

    private static final String[] PIECES = {"<tool_calls", "<invoke", "<parameter", ">", " ", "\n", "\t", "name", "=", "\"", "'",
            "get_weather", "x", "<", "/", "```", "```xml", "\r", "a-b:c", "😀", "invoke", "</invoke>", "name=\"city\"", "tool_calls"};

    @FuzzTest(maxDuration = "60s")
    void a_tag_read_in_pieces_is_the_tag_read_whole_and_the_formats_tag(FuzzedDataProvider data) {
        String open = data.pickValue(OPENS);
        int from = data.consumeInt(0, 8);
        String text = data.consumeRemainingAsString();
        check(open, text, Math.min(from, text.length()));
    }

    @Test
    void tags_made_of_the_formats_pieces_are_read_consistently() {
        Random random = new Random(1);
        int full = 0;
        for (int i = 0; i < 5_000; i++) {
            StringBuilder text = new StringBuilder();
            if (random.nextBoolean()) text.append(OPENS.get(random.nextInt(OPENS.size())));
            for (int p = random.nextInt(10); p > 0; p--) text.append(PIECES[random.nextInt(PIECES.length)]);
            if (random.nextInt(4) == 0) text.append(" name=\"get_weather\">");
            if (check(OPENS.get(random.nextInt(OPENS.size())), text.toString(), 0)) full++;
        }
        assertThat(full).as("full tags").isGreaterThan(50); // a reader that refused every tag would fail here
    }

    /** Returns whether a full start tag was read. */
    private static boolean check(String open, String text, int from) {
        StartTag whole = Tags.startTag(text, from, open);
        Opener opener = from < text.length() && (text.charAt(from) == '<' || text.charAt(from) == '`') ? Tags.opener(text, from) : null;
        int literal = Tags.literal(text, from, open);
        assertThat(literal).as("literal %s at %d of %s", open, from, text).isEqualTo(text.startsWith(open, from) ? from + open.length()
                : open.startsWith(text.substring(from)) ? Tags.PARTIAL : Tags.NONE);
        for (int k = from; k < text.length(); k++) {
            String prefix = text.substring(0, k);
            StartTag part = Tags.startTag(prefix, from, open);
            if (part.match() == Match.NONE) assertThat(whole.match()).as("%s ruled out at %d of %s", open, k, text).isEqualTo(Match.NONE);
            if (part.full()) assertThat(whole).as("%s read at %d of %s", open, k, text).isEqualTo(part);
            if (whole.full() && k < whole.end()) assertThat(part.partial()).as("%s cut at %d of %s", open, k, text).isTrue();
            if (opener != null && k > from) {
                Opener o = Tags.opener(prefix, from);
                if (o.match() == Match.NONE) assertThat(opener.match()).as("opener ruled out at %d of %s", k, text).isEqualTo(Match.NONE);
                if (o.match() == Match.FULL) assertThat(opener).as("opener read at %d of %s", k, text).isEqualTo(o);
            }
        }
        Matcher m = TAGS.get(open).matcher(text).region(from, text.length());
        boolean reference = m.lookingAt();
        if (reference && m.end() - from < SHORT) {
            assertThat(whole.full()).as("%s at %d of %s", open, from, text).isTrue();
            assertThat(whole.end()).isEqualTo(m.end());
            String name = null;
            Matcher attribute = NAME.matcher(m.group(1));
            while (attribute.find()) if (attribute.group(1).equals("name")) name = attribute.group(2) != null ? attribute.group(2) : attribute.group(3);
            assertThat(whole.name()).as("name in %s", text).isEqualTo(name);
        } else if (!reference) {
            assertThat(whole.full()).as("%s at %d of %s is no tag", open, from, text).isFalse();
        }
        return whole.full();
    }
}
