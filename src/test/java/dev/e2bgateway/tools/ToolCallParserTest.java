package dev.e2bgateway.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.e2bgateway.tools.ToolCallEvent.CallCompleted;
import dev.e2bgateway.tools.ToolCallEvent.CallStarted;
import dev.e2bgateway.tools.ToolCallEvent.Dropped;
import dev.e2bgateway.tools.ToolCallEvent.Reason;
import dev.e2bgateway.tools.ToolCallEvent.Rejected;
import dev.e2bgateway.tools.ToolCallEvent.Text;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;

import static dev.e2bgateway.tools.Replies.chunks;
import static dev.e2bgateway.tools.Replies.merged;
import static dev.e2bgateway.tools.Replies.outline;
import static dev.e2bgateway.tools.Replies.parse;
import static dev.e2bgateway.tools.Replies.splitAt;
import static org.assertj.core.api.Assertions.assertThat;

/** Every sample reply, cut at every offset, gives the same events as read whole. */
class ToolCallParserTest {

    private static final ToolChoice AUTO = ToolChoice.auto();

    private static final String WEATHER_CALL = """
            <tool_calls>
            <invoke name="get_weather">
            <parameter name="city">Paris</parameter>
            <parameter name="days">3</parameter>
            </invoke>
            </tool_calls>""";

    enum Case {
        TEXT_ONLY(AUTO, "Hello! How can I help you today?\nLine two, with ümlauts and 😀.",
                text("Hello! How can I help you today?\nLine two, with ümlauts and 😀.")),

        TEXT_AND_ONE_CALL(AUTO, "Let me check the weather.\n" + WEATHER_CALL,
                text("Let me check the weather.\n"), call(0, "get_weather", "{\"city\":\"Paris\",\"days\":3}")),

        PARALLEL_CALLS(AUTO, """
                <tool_calls>
                <invoke name="get_weather">
                <parameter name="city">Paris</parameter>
                </invoke>
                <invoke name="get_time">
                <parameter name="zone">Europe/Paris</parameter>
                </invoke>
                </tool_calls>""",
                call(0, "get_weather", "{\"city\":\"Paris\"}"), call(1, "get_time", "{\"zone\":\"Europe/Paris\"}")),

        IDS_COPIED_FROM_THE_HISTORY_ARE_IGNORED(AUTO, """
                <tool_calls>
                <invoke name="get_weather" id="toolu_01A9">
                <parameter name="city">Paris</parameter>
                </invoke>
                <invoke id='call_&quot;x' name="get_time" extra="1">
                <parameter name="zone">UTC</parameter>
                </invoke>
                </tool_calls>""",
                call(0, "get_weather", "{\"city\":\"Paris\"}"), call(1, "get_time", "{\"zone\":\"UTC\"}")),

        TYPED_PARAMETERS(AUTO, "<tool_calls><invoke name=\"configure\">"
                + "<parameter name=\"n\">3.14</parameter><parameter name=\"i\">42</parameter>"
                + "<parameter name=\"b\">true</parameter><parameter name=\"a\">[1, \"two\", null]</parameter>"
                + "<parameter name=\"o\">{\"k\": {\"nested\": [false]}}</parameter><parameter name=\"z\">null</parameter>"
                + "<parameter name=\"maybe\">\nnull\n</parameter></invoke></tool_calls>",
                call(0, "configure", "{\"n\":3.14,\"i\":42,\"b\":true,\"a\":[1,\"two\",null],"
                        + "\"o\":{\"k\":{\"nested\":[false]}},\"z\":null,\"maybe\":null}")),

        UNICODE_AND_SPECIAL_CHARACTERS_IN_STRINGS(AUTO, "Écrivons 😀 d'abord.\n<tool_calls>\n<invoke name=\"write_file\">\n"
                + "<parameter name=\"path\">naïve/😀 \"q\".txt</parameter>\n"
                + "<parameter name=\"content\">a \"quote\", a back\\slash, a <tag> & an &amp;, 👩‍💻\n\ttab</parameter>\n"
                + "</invoke>\n</tool_calls>",
                text("Écrivons 😀 d'abord.\n"),
                call(0, "write_file", strings("path", "naïve/😀 \"q\".txt",
                        "content", "a \"quote\", a back\\slash, a <tag> & an &amp;, 👩‍💻\n\ttab"))),

        VALUES_ON_LINES_OF_THEIR_OWN_LOSE_ONE_NEWLINE_EACH_SIDE(AUTO, """
                <tool_calls>
                <invoke name="write_file">
                <parameter name="path">
                a.txt
                </parameter>
                <parameter name="content">

                blank-edged

                </parameter>
                </invoke>
                </tool_calls>""",
                call(0, "write_file", strings("path", "a.txt", "content", "\nblank-edged\n"))),

        A_NEWLINE_ON_ONE_SIDE_ONLY_IS_KEPT(AUTO, "<invoke name=\"get_time\"><parameter name=\"zone\">\nUTC</parameter></invoke>",
                call(0, "get_time", strings("zone", "\nUTC"))),

        BLOCK_IN_A_CODE_FENCE(AUTO, """
                Here you go:
                ```xml
                <tool_calls>
                <invoke name="get_time">
                <parameter name="zone">UTC</parameter>
                </invoke>
                </tool_calls>
                ```
                """,
                text("Here you go:\n"), call(0, "get_time", strings("zone", "UTC"))),

        CALLS_IN_A_CODE_FENCE_WITHOUT_THE_WRAPPER(AUTO, """
                ```
                <invoke name="get_time">
                <parameter name="zone">UTC</parameter>
                </invoke>
                ```""",
                call(0, "get_time", strings("zone", "UTC"))),

        CALLS_WITHOUT_THE_WRAPPER(AUTO, """
                Checking.
                <invoke name="get_time">
                <parameter name="zone">Asia/Tokyo</parameter>
                </invoke>
                <invoke name="get_weather">
                <parameter name="city">Tokyo</parameter>
                </invoke>""",
                text("Checking.\n"), call(0, "get_time", strings("zone", "Asia/Tokyo")),
                call(1, "get_weather", strings("city", "Tokyo"))),

        EXTRA_ATTRIBUTES_AND_SINGLE_QUOTES(AUTO, "<tool_calls><invoke id=\"1\" name='get_time'>"
                + "<parameter  name = \"zone\" >UTC</parameter></invoke></tool_calls>",
                call(0, "get_time", strings("zone", "UTC"))),

        UNCLOSED_BLOCK_KEEPS_ITS_CLOSED_CALLS(AUTO, """
                <tool_calls>
                <invoke name="get_time">
                <parameter name="zone">UTC</parameter>
                </invoke>
                <invoke name="get_weather">
                <parameter name="city">Par""",
                call(0, "get_time", strings("zone", "UTC")),
                rejected("<invoke name=\"get_weather\">\n<parameter name=\"city\">Par", Reason.UNCLOSED)),

        HALF_WRITTEN_CALL_IS_TEXT(AUTO, "Let me look.\n<tool_calls>\n<invoke name=\"get_weather\">\n<parameter name=\"city\">Par",
                text("Let me look.\n"),
                rejected("<tool_calls>\n<invoke name=\"get_weather\">\n<parameter name=\"city\">Par", Reason.UNCLOSED)),

        CUT_INSIDE_THE_INVOKE_TAG(AUTO, "<tool_calls>\n<invoke name=\"get_wea",
                rejected("<tool_calls>\n<invoke name=\"get_wea", Reason.UNCLOSED)),

        TEXT_AFTER_THE_BLOCK_IS_DROPPED_AND_REPORTED(AUTO, WEATHER_CALL + "\nThe weather in Paris is 18 °C.",
                call(0, "get_weather", "{\"city\":\"Paris\",\"days\":3}"),
                new Dropped("\nThe weather in Paris is 18 °C.")),

        UNKNOWN_TOOL(AUTO, """
                <tool_calls>
                <invoke name="launch_rockets">
                <parameter name="count">3</parameter>
                </invoke>
                </tool_calls>
                Done.""",
                rejected("<tool_calls>\n<invoke name=\"launch_rockets\">\n<parameter name=\"count\">3</parameter>\n</invoke>\n</tool_calls>",
                        Reason.UNKNOWN_TOOL),
                text("\nDone.")),

        MISSING_REQUIRED_PARAMETER(AUTO, "<invoke name=\"get_weather\"><parameter name=\"days\">2</parameter></invoke>",
                rejected("<invoke name=\"get_weather\"><parameter name=\"days\">2</parameter></invoke>", Reason.MISSING_REQUIRED)),

        INVALID_JSON_IN_A_NUMBER_PARAMETER(AUTO, WEATHER_CALL.replace(">3<", ">three<"),
                rejected(WEATHER_CALL.replace(">3<", ">three<"), Reason.INVALID_JSON)),

        JSON_OF_THE_WRONG_TYPE(AUTO, WEATHER_CALL.replace(">3<", ">\"3\"<"),
                rejected(WEATHER_CALL.replace(">3<", ">\"3\"<"), Reason.WRONG_TYPE)),

        UNDECLARED_PARAMETER_WHERE_THE_SCHEMA_FORBIDS_EXTRAS(AUTO, WEATHER_CALL.replace("days", "units"),
                rejected(WEATHER_CALL.replace("days", "units"), Reason.UNKNOWN_PARAMETER)),

        SAME_PARAMETER_TWICE(AUTO, WEATHER_CALL.replace("days\">3", "city\">Lyon"),
                rejected(WEATHER_CALL.replace("days\">3", "city\">Lyon"), Reason.DUPLICATE_PARAMETER)),

        TEXT_INSIDE_AN_INVOKE(AUTO, "<tool_calls><invoke name=\"get_time\">zone=UTC</invoke></tool_calls>",
                rejected("<tool_calls><invoke name=\"get_time\">zone=UTC</invoke></tool_calls>", Reason.MALFORMED)),

        EMPTY_BLOCK(AUTO, "<tool_calls>\n</tool_calls>", rejected("<tool_calls>\n</tool_calls>", Reason.EMPTY_BLOCK)),

        VALID_AND_INVALID_CALLS_IN_ONE_BLOCK(AUTO, """
                <tool_calls>
                <invoke name="nope">
                </invoke>
                <invoke name="get_time">
                <parameter name="zone">UTC</parameter>
                </invoke>
                </tool_calls>""",
                call(0, "get_time", strings("zone", "UTC")),
                rejected("<invoke name=\"nope\">\n</invoke>", Reason.UNKNOWN_TOOL)),

        STRAY_TEXT_BETWEEN_CALLS_IS_DROPPED_AND_REPORTED(AUTO, """
                <tool_calls>
                <invoke name="get_time"><parameter name="zone">UTC</parameter></invoke>
                and then
                <invoke name="get_weather"><parameter name="city">Oslo</parameter></invoke>
                </tool_calls>""",
                call(0, "get_time", strings("zone", "UTC")), call(1, "get_weather", strings("city", "Oslo")),
                new Dropped("\nand then")),

        A_BLOCK_AFTER_A_REJECTED_ONE_STILL_CALLS(AUTO,
                "<invoke name=\"nope\"></invoke>\nLet me retry.\n<invoke name=\"get_time\"><parameter name=\"zone\">UTC</parameter></invoke>",
                rejected("<invoke name=\"nope\"></invoke>\n", Reason.UNKNOWN_TOOL), text("Let me retry.\n"),
                call(0, "get_time", strings("zone", "UTC"))),

        LESS_THAN_SIGNS_AND_OTHER_TAGS_ARE_TEXT(AUTO, "if a < b && c > d, print <div>ok</div>; <invoked>, <invoke>, "
                + "<invoke the tool>, <tool_calls/>, <tool_call>, `code`, ``x``\n```js\nlet a = 1 << 2;\n```\nEnd <",
                text("if a < b && c > d, print <div>ok</div>; <invoked>, <invoke>, "
                        + "<invoke the tool>, <tool_calls/>, <tool_call>, `code`, ``x``\n```js\nlet a = 1 << 2;\n```\nEnd <")),

        THE_WRAPPER_TAG_MENTIONED_IN_PROSE(AUTO, "Wrap calls in <tool_calls> and </tool_calls> tags.",
                text("Wrap calls in <tool_calls> and </tool_calls> tags.")),

        A_BARE_JSON_OBJECT_IS_TEXT(AUTO, "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}",
                text("{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}")),

        NARRATION_WITHOUT_A_CALL(AUTO, "I will now call get_weather for Paris and report back.",
                text("I will now call get_weather for Paris and report back.")),

        CUSTOM_TOOL_INPUT_WITHOUT_A_PARAMETER(AUTO, """
                <tool_calls>
                <invoke name="apply_patch">
                *** Begin Patch
                *** Update File: a.py
                -x = 1
                +x = "<2>"
                *** End Patch
                </invoke>
                </tool_calls>""",
                call(0, "apply_patch", strings("input", "*** Begin Patch\n*** Update File: a.py\n-x = 1\n+x = \"<2>\"\n*** End Patch"))),

        CUSTOM_TOOL_INPUT_IN_ITS_PARAMETER(AUTO, "<invoke name=\"apply_patch\"><parameter name=\"input\">*** Begin Patch</parameter></invoke>",
                call(0, "apply_patch", strings("input", "*** Begin Patch"))),

        PARALLEL_OFF_KEEPS_THE_FIRST_CALL(AUTO.withParallel(false), """
                <tool_calls>
                <invoke name="get_time"><parameter name="zone">UTC</parameter></invoke>
                <invoke name="get_weather"><parameter name="city">Oslo</parameter></invoke>
                </tool_calls>""",
                call(0, "get_time", strings("zone", "UTC")),
                rejected("<invoke name=\"get_weather\"><parameter name=\"city\">Oslo</parameter></invoke>", Reason.PARALLEL_NOT_ALLOWED)),

        TOOL_CHOICE_NONE_READS_CALLS_AS_TEXT(ToolChoice.none(), "Sure.\n" + WEATHER_CALL,
                text("Sure.\n" + WEATHER_CALL)),

        A_NAMED_TOOL_CHOICE_REFUSES_OTHER_TOOLS(ToolChoice.named("get_time"), WEATHER_CALL,
                rejected(WEATHER_CALL, Reason.UNKNOWN_TOOL));

        final ToolChoice choice;
        final String reply;
        final List<ToolCallEvent> expected;

        Case(ToolChoice choice, String reply, Object... expected) {
            this.choice = choice;
            this.reply = reply;
            this.expected = flatten(expected);
        }
    }

    @ParameterizedTest
    @EnumSource(Case.class)
    void read_whole_the_reply_gives_the_expected_events(Case c) {
        assertThat(outline(parse(c.choice, List.of(c.reply)))).isEqualTo(c.expected);
    }

    @ParameterizedTest
    @EnumSource(Case.class)
    void every_split_point_gives_the_same_events(Case c) {
        List<ToolCallEvent> whole = merged(parse(c.choice, List.of(c.reply)));
        for (int split = 0; split <= c.reply.length(); split++) {
            assertThat(merged(parse(c.choice, splitAt(c.reply, split)))).as("split at %d", split).isEqualTo(whole);
        }
    }

    @ParameterizedTest
    @EnumSource(Case.class)
    void char_by_char_and_every_small_chunk_size_give_the_same_events(Case c) {
        List<ToolCallEvent> whole = merged(parse(c.choice, List.of(c.reply)));
        for (int size = 1; size <= 7; size++) {
            assertThat(merged(parse(c.choice, chunks(c.reply, size)))).as("chunks of %d", size).isEqualTo(whole);
        }
    }

    @ParameterizedTest
    @EnumSource(Case.class)
    void two_split_points_give_the_same_events(Case c) {
        List<ToolCallEvent> whole = merged(parse(c.choice, List.of(c.reply)));
        int n = c.reply.length();
        int step = Math.max(1, n / 40); // all pairs of a coarse grid; single splits cover every offset
        for (int a = 0; a <= n; a += step) {
            for (int b = a; b <= n; b += step) {
                assertThat(merged(parse(c.choice, splitAt(c.reply, a, b)))).as("splits at %d, %d", a, b).isEqualTo(whole);
            }
        }
    }

    private static Text text(String text) {
        return new Text(text);
    }

    private static List<ToolCallEvent> call(int index, String name, String arguments) {
        return List.of(new CallStarted(index, name), new CallCompleted(index, name, arguments));
    }

    private static Rejected rejected(String text, Reason reason) {
        return new Rejected(text, reason, "");
    }

    private static String strings(String... namesAndValues) {
        ObjectNode object = Replies.JSON.createObjectNode();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            object.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return object.toString();
    }

    private static List<ToolCallEvent> flatten(Object... parts) {
        List<ToolCallEvent> events = new ArrayList<>();
        for (Object part : parts) {
            if (part instanceof ToolCallEvent e) {
                events.add(e);
            } else {
                for (Object e : (List<?>) part) {
                    events.add((ToolCallEvent) e);
                }
            }
        }
        return events;
    }
}
