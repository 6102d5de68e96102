package dev.e2bgateway.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.e2bgateway.tools.ToolCallEvent.CallCompleted;
import dev.e2bgateway.tools.ToolTranscript.Call;
import dev.e2bgateway.tools.ToolTranscript.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;

import static dev.e2bgateway.tools.Replies.JSON;
import static org.assertj.core.api.Assertions.assertThat;

class ToolTranscriptTest {

    private final ToolTranscript transcript = new ToolTranscript(JSON);

    @Test
    void calls_are_written_in_the_contract_format_with_their_ids_strings_verbatim_others_as_compact_json() {
        String text = transcript.assistant("Let me check.", List.of(
                new Call("call_1", "get_weather", "{\"city\": \"Paris\", \"days\": 3}"),
                new Call("toolu_\"2", "configure", "{\"a\": [1, 2], \"o\": {\"k\": null}, \"b\": false}")));
        assertThat(text).isEqualTo("""
                Let me check.
                <tool_calls>
                <invoke name="get_weather" id="call_1">
                <parameter name="city">Paris</parameter>
                <parameter name="days">3</parameter>
                </invoke>
                <invoke name="configure" id="toolu_&quot;2">
                <parameter name="a">[1,2]</parameter>
                <parameter name="o">{"k":null}</parameter>
                <parameter name="b">false</parameter>
                </invoke>
                </tool_calls>""");
    }

    @Test
    void results_carry_the_call_id_unchanged_the_name_and_an_error_flag() {
        String text = transcript.results(List.of(
                new Result("call_3f2a", "get_weather", "18 °C, sunny", false),
                new Result("toolu_01\"x&y", null, "Error: no such city", true)));
        assertThat(text).isEqualTo("""
                <tool_results>
                <result call_id="call_3f2a" name="get_weather">
                18 °C, sunny
                </result>
                <result call_id="toolu_01&quot;x&amp;y" error="true">
                Error: no such city
                </result>
                </tool_results>""");
    }

    @Test
    void results_are_written_in_the_order_of_their_calls_whatever_order_they_came_in() {
        List<Call> calls = List.of(new Call("toolu_A", "Read", "{\"file_path\": \"src/Main.java\"}"),
                new Call("toolu_B", "Read", "{\"file_path\": \"src/MainTest.java\"}"),
                new Call("toolu_C", "Bash", "{\"command\": \"ls\"}"));
        String text = transcript.results(List.of(
                new Result("toolu_C", "Bash", "pom.xml src", false),
                new Result("elsewhere", null, "an unknown call's result", false),
                new Result("toolu_B", "Read", "class MainTest {}", false),
                new Result("toolu_A", "Read", "class Main {}", false)), calls);
        assertThat(text).isEqualTo("""
                <tool_results>
                <result call_id="toolu_A" name="Read">
                class Main {}
                </result>
                <result call_id="toolu_B" name="Read">
                class MainTest {}
                </result>
                <result call_id="toolu_C" name="Bash">
                pom.xml src
                </result>
                <result call_id="elsewhere">
                an unknown call's result
                </result>
                </tool_results>""");
    }

    @Test
    void a_call_without_an_id_is_written_without_one() {
        assertThat(transcript.calls(List.of(new Call("", "get_time", "{}"))))
                .isEqualTo("<tool_calls>\n<invoke name=\"get_time\">\n</invoke>\n</tool_calls>");
    }

    @Test
    void a_call_written_with_its_id_reads_back_as_the_same_call() {
        String block = transcript.calls(List.of(new Call("toolu_01\"<x>", "get_weather", "{\"city\":\"Oslo\"}")));
        assertThat(Replies.parse(ToolChoice.auto(), List.of(block))).filteredOn(CallCompleted.class::isInstance)
                .singleElement().isEqualTo(new CallCompleted(0, "get_weather", "{\"city\":\"Oslo\"}"));
    }

    @Test
    void attribute_values_are_escaped_and_stay_on_one_line() {
        assertThat(ToolTranscript.attribute("a\"b<c>d&e\nf\rg")).isEqualTo("a&quot;b&lt;c&gt;d&amp;e&#10;f&#13;g");
    }

    @Test
    void no_calls_leave_the_text_alone_and_no_text_leaves_only_the_block() {
        assertThat(transcript.assistant("Hi.", List.of())).isEqualTo("Hi.");
        assertThat(transcript.assistant("", List.of(new Call(null, "get_time", "{}"))))
                .isEqualTo("<tool_calls>\n<invoke name=\"get_time\">\n</invoke>\n</tool_calls>");
        assertThat(transcript.results(List.of())).isEmpty();
    }

    @Test
    void arguments_that_are_not_a_json_object_are_kept_as_sent() {
        assertThat(transcript.calls(List.of(new Call(null, "get_time", "zone=UTC"))))
                .isEqualTo("<tool_calls>\n<invoke name=\"get_time\">\nzone=UTC\n</invoke>\n</tool_calls>");
    }

    enum Value {
        PLAIN("Paris"),
        EMPTY(""),
        ONE_NEWLINE("\n"),
        NEWLINE_EDGED("\nedged\n"),
        LEADING_NEWLINE("\nlead"),
        MULTILINE_WITH_SPECIALS("line 1\n\t\"quoted\" \\ <b> & &amp; 😀 café\nline 3"),
        TRAILING_BLANK_LINES("x\n\n\n");

        final String text;

        Value(String text) {
            this.text = text;
        }
    }

    @ParameterizedTest
    @EnumSource(Value.class)
    void a_written_call_reads_back_as_the_same_call(Value value) {
        ObjectNode arguments = JSON.createObjectNode().put("path", "a.txt").put("content", value.text);
        String block = transcript.calls(List.of(new Call(null, "write_file", arguments.toString())));
        List<ToolCallEvent> events = Replies.parse(ToolChoice.auto(), List.of(block));
        assertThat(events).filteredOn(CallCompleted.class::isInstance)
                .singleElement()
                .isEqualTo(new CallCompleted(0, "write_file", arguments.toString()));
    }

    @Test
    void written_typed_arguments_read_back_as_the_same_json() {
        String arguments = "{\"n\":2.5,\"i\":-7,\"b\":true,\"a\":[\"x\",{\"y\":[]}],\"o\":{\"k\":\"v\\nw\"},\"z\":null}";
        List<ToolCallEvent> events = Replies.parse(ToolChoice.auto(),
                List.of(transcript.calls(List.of(new Call(null, "configure", arguments)))));
        assertThat(events).filteredOn(CallCompleted.class::isInstance)
                .singleElement()
                .isEqualTo(new CallCompleted(0, "configure", arguments));
    }
}
