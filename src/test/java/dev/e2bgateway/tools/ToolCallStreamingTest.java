package dev.e2bgateway.tools;

import dev.e2bgateway.tools.ToolCallEvent.CallCompleted;
import dev.e2bgateway.tools.ToolCallEvent.CallStarted;
import dev.e2bgateway.tools.ToolCallEvent.Reason;
import dev.e2bgateway.tools.ToolCallEvent.Rejected;
import dev.e2bgateway.tools.ToolCallEvent.Text;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static dev.e2bgateway.tools.Replies.JSON;
import static dev.e2bgateway.tools.Replies.TOOLS;
import static dev.e2bgateway.tools.Replies.chunks;
import static dev.e2bgateway.tools.Replies.parse;
import static dev.e2bgateway.tools.Replies.splitAt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** What the client sees while the reply is still arriving, and what it costs. */
class ToolCallStreamingTest {

    private final List<ToolCallEvent> events = new ArrayList<>();
    private final ToolCallParser parser = new ToolCallParser(TOOLS, ToolChoice.auto(), JSON, events::add);

    @Test
    void a_less_than_sign_in_text_flows_on_as_soon_as_the_next_character_shows_it_is_no_tag() {
        parser.feed("if a <");
        assertThat(events).containsExactly(new Text("if a "));
        parser.feed(" b then <div>");
        assertThat(events).containsExactly(new Text("if a "), new Text("< b then <div>"));
    }

    @Test
    void only_what_may_still_open_a_block_is_held_back() {
        parser.feed("Let me check.\n<tool_");
        assertThat(events).containsExactly(new Text("Let me check.\n"));
        parser.feed("calls>\n<invoke name=\"get_time\">");
        assertThat(events).hasSize(1);
    }

    @Test
    void an_ordinary_code_fence_is_released_once_no_block_can_follow_it() {
        parser.feed("Run:\n```python\n");
        assertThat(events).containsExactly(new Text("Run:\n"));
        parser.feed("print(1)\n```");
        assertThat(events).containsExactly(new Text("Run:\n"), new Text("```python\nprint(1)\n"));
        parser.finish();
        assertThat(Replies.visibleText(events)).isEqualTo("Run:\n```python\nprint(1)\n```");
    }

    @Test
    void finish_releases_a_held_back_prefix_as_text() {
        parser.feed("The tag is <tool_ca");
        parser.finish();
        assertThat(Replies.merged(events)).containsExactly(new Text("The tag is <tool_ca"));
    }

    @Test
    void each_call_is_announced_when_its_invoke_closes_not_at_the_end_of_the_block() {
        parser.feed("<tool_calls>\n<invoke name=\"get_time\"><parameter name=\"zone\">UTC</parameter></invoke>\n");
        assertThat(events).containsExactly(
                new CallStarted(0, "get_time"), new CallCompleted(0, "get_time", "{\"zone\":\"UTC\"}"));
        assertThat(parser.callCount()).isEqualTo(1);
    }

    @Test
    void a_piece_with_no_tag_character_is_forwarded_as_is_without_a_copy() {
        String piece = "Plain reply text, nothing to see here. ".repeat(10);
        parser.feed(piece);
        assertThat(((Text) events.get(0)).text()).isSameAs(piece);
    }

    @Test
    void without_offered_tools_every_piece_passes_through_as_is_even_a_block() {
        String block = "<tool_calls><invoke name=\"get_time\"></invoke></tool_calls>";
        for (ToolCallParser passThrough : List.of(
                new ToolCallParser(List.of(), ToolChoice.auto(), JSON, events::add),
                new ToolCallParser(TOOLS, ToolChoice.none(), JSON, events::add))) {
            events.clear();
            passThrough.feed(block);
            passThrough.finish();
            assertThat(events).hasSize(1);
            assertThat(((Text) events.get(0)).text()).isSameAs(block);
        }
    }

    @Test
    void text_only_replies_come_back_exactly_at_every_split() {
        // Pieces that look like the start of a block, put together so that none is one.
        String[] tokens = {"a", " ", "\n", "<", ">", "`", "``", "```", "```js\n", "```\n", "<div>", "a < b", "<invoke",
                "<invoke>", "<tool", "</tool_calls>", "</invoke>", "name=\"x\"", "😀", "é", "&amp;", "\"", "\\", "{\"k\": 1}"};
        Random random = new Random(42);
        for (int reply = 0; reply < 300; reply++) {
            StringBuilder text = new StringBuilder();
            int length = 1 + random.nextInt(25);
            for (int t = 0; t < length; t++) {
                text.append(tokens[random.nextInt(tokens.length)]);
            }
            String expected = text.toString();
            for (int split = 0; split <= expected.length(); split++) {
                List<ToolCallEvent> got = parse(ToolChoice.auto(), splitAt(expected, split));
                assertThat(got).as("%s split at %d", expected, split).allMatch(e -> e instanceof Text);
                assertThat(Replies.visibleText(got)).as("split at %d", split).isEqualTo(expected);
            }
            assertThat(Replies.visibleText(parse(ToolChoice.auto(), chunks(expected, 1)))).isEqualTo(expected);
        }
    }

    @Test
    void a_long_value_arriving_in_small_pieces_is_read_in_linear_time() {
        String content = "line with a < and a </para> and a </parameter-ish thing\n".repeat(40_000); // ~2.3 MB
        String reply = "<tool_calls><invoke name=\"write_file\"><parameter name=\"path\">big.txt</parameter>"
                + "<parameter name=\"content\">" + content.replace("</parameter-ish", "</param-ish")
                + "</parameter></invoke></tool_calls>";
        List<String> pieces = chunks(reply, 16);
        List<ToolCallEvent> got = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> parse(ToolChoice.auto(), pieces));
        assertThat(got).hasSize(2);
        assertThat(((CallCompleted) got.get(1)).arguments()).hasSizeGreaterThan(2_000_000);
    }

    @Test
    void a_rejection_says_what_was_wrong() {
        List<ToolCallEvent> unknown = parse(ToolChoice.auto(), List.of("<invoke name=\"rm_rf\"></invoke>"));
        assertThat(unknown).singleElement().isInstanceOfSatisfying(Rejected.class, r -> {
            assertThat(r.reason()).isEqualTo(Reason.UNKNOWN_TOOL);
            assertThat(r.detail()).contains("rm_rf");
        });
        List<ToolCallEvent> missing = parse(ToolChoice.auto(), List.of("<invoke name=\"write_file\"><parameter name=\"path\">a</parameter></invoke>"));
        assertThat(missing).singleElement().isInstanceOfSatisfying(Rejected.class,
                r -> assertThat(r.detail()).contains("content").contains("required"));
    }

    @Test
    void a_wholly_rejected_block_names_its_first_problem_and_counts_the_rest() {
        List<ToolCallEvent> got = parse(ToolChoice.auto(),
                List.of("<tool_calls><invoke name=\"a\"></invoke><invoke name=\"b\"></invoke></tool_calls>"));
        assertThat(got).singleElement().isInstanceOfSatisfying(Rejected.class,
                r -> assertThat(r.detail()).contains("\"a\"").contains("and 1 more"));
    }

    @Test
    void finishing_twice_does_nothing_more_and_feeding_after_finish_is_a_mistake() {
        parser.feed("<tool_");
        parser.finish();
        parser.finish();
        assertThat(events).containsExactly(new Text("<tool_"));
        assertThatThrownBy(() -> parser.feed("more")).isInstanceOf(IllegalStateException.class);
    }
}
