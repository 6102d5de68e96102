package dev.e2bgateway.dialect.toolkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.e2bgateway.core.ChatRequest;
import dev.e2bgateway.core.ChatRequest.Message;
import dev.e2bgateway.core.ChatRequest.Role;
import dev.e2bgateway.core.ChatRequest.Text;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ToolHistoryTest {

    private final ToolHistory history = new ToolHistory(new ObjectMapper());

    private static String text(Message m) {
        return ChatRequest.textOf(m.parts());
    }

    @Test
    void results_with_ids_are_written_in_their_calls_order_with_the_calls_names() {
        history.user(List.of(new Text("weather in two cities")));
        history.call("c1", "weather", "{\"city\":\"Oslo\"}");
        history.call("c2", "weather", "{\"city\":\"Rome\"}");
        history.result("c2", null, "sunny", false);
        history.result("c1", null, "rain", false);
        List<Message> messages = history.messages();
        assertThat(messages).extracting(Message::role).containsExactly(Role.USER, Role.ASSISTANT, Role.USER);
        assertThat(text(messages.get(1))).contains("<invoke name=\"weather\" id=\"c1\">", "<invoke name=\"weather\" id=\"c2\">");
        String results = text(messages.get(2));
        assertThat(results.indexOf("call_id=\"c1\" name=\"weather\"")).isNotNegative()
                .isLessThan(results.indexOf("call_id=\"c2\" name=\"weather\""));
    }

    @Test
    void results_without_ids_take_the_ids_of_the_calls_they_answer_by_order_and_by_name() {
        history.user(List.of(new Text("go")));
        history.call("a", "read", "{}");
        history.call("b", "grep", "{}");
        history.call("c", "read", "{}");
        history.result(null, "grep", "found", false);
        history.result("", null, "first read", false);
        history.result(null, "read", "second read", true);
        String results = text(history.messages().get(2));
        assertThat(results).contains("<result call_id=\"a\" name=\"read\">\nfirst read",
                "<result call_id=\"b\" name=\"grep\">\nfound", "<result call_id=\"c\" name=\"read\" error=\"true\">\nsecond read");
        assertThat(results.indexOf("call_id=\"a\"")).isLessThan(results.indexOf("call_id=\"b\""));
        assertThat(results.indexOf("call_id=\"b\"")).isLessThan(results.indexOf("call_id=\"c\""));
    }

    @Test
    void text_after_calls_starts_a_new_assistant_turn_and_results_beside_text_come_first() {
        history.user(List.of(new Text("go")));
        history.assistant(List.of(new Text("calling")));
        history.call("a", "read", "{}");
        history.assistant(List.of(new Text("and more")));
        history.endTurn();
        history.result("a", null, "done", false);
        history.userAfterResults(List.of(new Text("thanks")));
        List<Message> messages = history.messages();
        assertThat(messages).extracting(Message::role).containsExactly(Role.USER, Role.ASSISTANT, Role.ASSISTANT, Role.USER);
        assertThat(text(messages.get(1))).startsWith("calling\n<tool_calls>");
        assertThat(text(messages.get(2))).isEqualTo("and more");
        assertThat(messages.get(3).parts()).hasSize(2);
        assertThat(text(messages.get(3))).startsWith("<tool_results>").endsWith("thanks");
    }
}
