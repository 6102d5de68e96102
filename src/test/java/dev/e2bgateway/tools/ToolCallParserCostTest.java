package dev.e2bgateway.tools;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The parser's work per piece stays bounded on long replies fed one character at a time, counted
 * in characters looked at (no clocks): whatever the reply, it is linear in the reply's length,
 * text keeps reaching the client, and what is held back stays small.
 */
class ToolCallParserCostTest {

    private static final int PIECES = 40_000;
    /** A generous bound on the characters looked at per one-character piece: a few times the held-back bound. */
    private static final long PER_PIECE = 4L * (Tags.MAX_FENCE_SPACE + 600);

    private record Run(ToolCallParser parser, List<ToolCallEvent> events) {
        static Run start() {
            List<ToolCallEvent> events = new ArrayList<>();
            return new Run(new ToolCallParser(Replies.TOOLS, ToolChoice.auto(), Replies.JSON, events::add), events);
        }

        int textLength() {
            return events.stream().filter(e -> e instanceof ToolCallEvent.Text).mapToInt(e -> ((ToolCallEvent.Text) e).text().length()).sum();
        }
    }

    /** Feeds {@code prefix} and then {@code PIECES} copies of {@code piece}, one at a time; checks the cost of each. */
    private static Run feed(String prefix, String piece) {
        return feed(prefix, piece, true);
    }

    /** {@code boundedHold}: false inside a block, which is held whole by design (it may become text). */
    private static Run feed(String prefix, String piece, boolean boundedHold) {
        Run run = Run.start();
        run.parser.feed(prefix);
        int maxHeld = 0;
        for (int i = 0; i < PIECES; i++) {
            long before = run.parser.scanned();
            run.parser.feed(piece);
            assertThat(run.parser.scanned() - before).as("work for piece %d", i).isLessThanOrEqualTo(PER_PIECE);
            maxHeld = Math.max(maxHeld, run.parser.heldBack());
        }
        assertThat(run.parser.scanned()).as("linear in the reply").isLessThanOrEqualTo(PER_PIECE * (PIECES + 1));
        if (boundedHold) assertThat(maxHeld).as("held back at most").isLessThanOrEqualTo(Tags.MAX_FENCE_SPACE + 600);
        return run;
    }

    @Test
    void a_fence_followed_by_a_long_run_of_blank_lines_costs_bounded_work_per_piece_and_the_text_flows() {
        Run run = feed("Here:\n```\n", " ");
        assertThat(run.textLength()).as("text reached the client while the reply was streaming")
                .isGreaterThanOrEqualTo(PIECES - Tags.MAX_FENCE_SPACE - 16);
        run.parser.finish();
        assertThat(run.textLength()).isEqualTo("Here:\n```\n".length() + PIECES);
    }

    @Test
    void a_fence_followed_by_spaces_on_its_own_line_costs_bounded_work_per_piece() {
        Run run = feed("```xml", " ");
        assertThat(run.textLength()).isGreaterThanOrEqualTo(PIECES - Tags.MAX_FENCE_SPACE - 16);
    }

    @Test
    void blank_space_inside_an_open_block_is_scanned_once() {
        Run run = feed("<tool_calls>", "\n", false);
        run.parser.feed("<invoke name=\"get_weather\"><parameter name=\"city\">Paris</parameter></invoke></tool_calls>");
        run.parser.finish();
        assertThat(run.parser.callCount()).isEqualTo(1);
    }

    @Test
    void many_fences_and_angle_brackets_in_prose_cost_bounded_work_per_piece() {
        StringBuilder reply = new StringBuilder();
        while (reply.length() < PIECES) reply.append("a < b and ``` x\n``` \n <div> `code` ");
        Run run = Run.start();
        long maxPerPiece = 0;
        for (int i = 0; i < reply.length(); i++) {
            long before = run.parser.scanned();
            run.parser.feed(String.valueOf(reply.charAt(i)));
            maxPerPiece = Math.max(maxPerPiece, run.parser.scanned() - before);
        }
        run.parser.finish();
        assertThat(maxPerPiece).isLessThanOrEqualTo(PER_PIECE);
        assertThat(run.textLength()).isEqualTo(reply.length());
    }
}
