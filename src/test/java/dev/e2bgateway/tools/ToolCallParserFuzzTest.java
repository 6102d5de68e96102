package dev.e2bgateway.tools;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.e2bgateway.tools.ToolCallEvent.CallStarted;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static dev.e2bgateway.tools.Replies.merged;
import static dev.e2bgateway.tools.Replies.parse;
import static dev.e2bgateway.tools.Replies.splitAt;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tool-call parser on any reply: the same events wherever the reply is split into pieces,
 * and a reply that makes no call is shown whole, not a character lost or added. The fuzz
 * target runs its committed corpus on every build (docs/testing.md, Fuzzing); the seeded test builds
 * replies from the call format's pieces.
 */
class ToolCallParserFuzzTest {

    private static final List<ToolChoice> CHOICES = List.of(ToolChoice.auto(), ToolChoice.required(),
            ToolChoice.named("get_weather"), ToolChoice.none(), new ToolChoice(ToolChoice.Mode.AUTO, null, false));

    /** Pieces of replies: the format's tags, near misses, fences, values, text. */
    private static final String[] PIECES = {
            "<tool_calls>", "</tool_calls>", "<tool_calls", "<invoke name=\"get_weather\">", "<invoke name=\"get_time\">",
            "<invoke name='configure'>", "<invoke name=\"apply_patch\">", "<invoke name=\"nope\">", "<invoke>", "</invoke>",
            "<parameter name=\"city\">", "<parameter name=\"days\">", "<parameter name=\"zone\">", "<parameter name=\"n\">",
            "<parameter name=\"o\">", "</parameter>", "Paris", "3", "\"3\"", "{\"k\": [1]}", "Europe/Paris", "```", "```xml\n",
            "\n", " ", "\r\n", "<", ">", "</", "<invo", "<div>", "a < b", "Hello", "😀", "ü", "{\"name\":\"get_weather\"}",
            "*** Begin Patch\n", "\"", "'", "=", "<invoke name=\"get_weather\" >", "<tool_calls >"};

    @FuzzTest(maxDuration = "60s")
    void any_reply_gives_the_same_events_wherever_it_is_split(FuzzedDataProvider data) {
        ToolChoice choice = data.pickValue(CHOICES);
        int[] cuts = new int[data.consumeInt(1, 3)];
        for (int i = 0; i < cuts.length; i++) cuts[i] = data.consumeInt(0, 4096);
        String reply = data.consumeRemainingAsString();
        check(choice, reply, cuts);
    }

    @Test
    void replies_made_of_the_formats_pieces_give_the_same_events_wherever_they_are_split() {
        Random random = new Random(1);
        int withCalls = 0;
        for (int i = 0; i < 3000; i++) {
            StringBuilder reply = new StringBuilder();
            for (int p = random.nextInt(16); p > 0; p--) reply.append(PIECES[random.nextInt(PIECES.length)]);
            if (random.nextInt(3) == 0) {
                reply.append("<tool_calls>\n<invoke name=\"get_weather\">\n<parameter name=\"city\">Paris</parameter>\n</invoke>\n</tool_calls>");
            }
            int[] cuts = new int[1 + random.nextInt(3)];
            for (int k = 0; k < cuts.length; k++) cuts[k] = random.nextInt(reply.length() + 1);
            if (check(CHOICES.get(random.nextInt(CHOICES.size())), reply.toString(), cuts)) withCalls++;
        }
        // Calls are common: a parser that never made one would fail here.
        assertThat(withCalls).as("replies with calls").isGreaterThan(300);
    }

    /** Returns whether the reply made a call. */
    private static boolean check(ToolChoice choice, String reply, int[] cuts) {
        int[] offsets = Arrays.stream(cuts).map(c -> Math.min(c, reply.length())).sorted().toArray();
        List<ToolCallEvent> whole = merged(parse(choice, List.of(reply)));
        List<ToolCallEvent> split = merged(parse(choice, splitAt(reply, offsets)));
        assertThat(split).as("split at %s: %s", Arrays.toString(offsets), reply).isEqualTo(whole);
        boolean calls = whole.stream().anyMatch(e -> e instanceof CallStarted);
        if (!calls) {
            StringBuilder visible = new StringBuilder();
            whole.forEach(e -> visible.append(e.visibleText()));
            assertThat(visible.toString()).as("what is shown of a reply without calls: %s", reply).isEqualTo(reply);
        }
        return calls;
    }
}
