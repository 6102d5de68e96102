package dev.e2bgateway.tools;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ToolChoiceTest {

    private static final List<Tool> TOOLS = List.of(
            Tool.function("a", "first", null),
            Tool.function("b", "second", null));

    @Test
    void auto_and_required_offer_every_tool() {
        assertThat(ToolChoice.auto().offered(TOOLS)).isEqualTo(TOOLS);
        assertThat(ToolChoice.required().offered(TOOLS)).isEqualTo(TOOLS);
    }

    @Test
    void none_offers_no_tool() {
        assertThat(ToolChoice.none().offered(TOOLS)).isEmpty();
    }

    @Test
    void named_offers_only_that_tool() {
        assertThat(ToolChoice.named("b").offered(TOOLS)).extracting(Tool::name).containsExactly("b");
    }

    @Test
    void naming_a_tool_that_was_not_sent_is_an_invalid_request() {
        assertThatThrownBy(() -> ToolChoice.named("c").offered(TOOLS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"c\"");
    }

    @Test
    void parallel_calls_are_allowed_unless_switched_off() {
        assertThat(ToolChoice.auto().parallel()).isTrue();
        assertThat(ToolChoice.required().withParallel(false))
                .isEqualTo(new ToolChoice(ToolChoice.Mode.REQUIRED, null, false));
    }
}
