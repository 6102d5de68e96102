package dev.e2bgateway.dialect.toolkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.e2bgateway.error.ApiError;
import dev.e2bgateway.tools.Tool;
import dev.e2bgateway.tools.ToolChoice;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ToolChoicesTest {

    private static List<Tool> tools() {
        return new ArrayList<>(List.of(Tool.function("read", "", null), Tool.function("grep", "", null)));
    }

    @Test
    void allowed_names_narrow_the_tools_and_required_stays_required() {
        List<Tool> tools = tools();
        ToolChoice choice = ToolChoices.allowed(tools, List.of("grep"), true, "allowed");
        assertThat(tools).extracting(Tool::name).containsExactly("grep");
        assertThat(choice.mode()).isEqualTo(ToolChoice.Mode.REQUIRED);
    }

    @Test
    void an_allowed_name_that_is_no_tool_is_a_400_naming_the_field_not_a_silent_no_tools() {
        assertThatThrownBy(() -> ToolChoices.allowed(tools(), List.of("nope"), true, "toolConfig.functionCallingConfig.allowedFunctionNames"))
                .isInstanceOfSatisfying(ApiError.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.param()).isEqualTo("toolConfig.functionCallingConfig.allowedFunctionNames");
                    assertThat(e.getMessage()).contains("nope");
                });
    }

    @Test
    void a_parameters_schema_that_is_not_an_object_is_a_400() {
        ObjectMapper json = new ObjectMapper();
        assertThatThrownBy(() -> ToolDeclarations.function(json.createObjectNode().put("name", "f"), "tools[0]", "", json.getNodeFactory().textNode("x"),
                "tools[0].parameters")).isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.param()).isEqualTo("tools[0].parameters"));
        assertThat(ToolDeclarations.function(json.createObjectNode().put("name", "f"), "tools[0]", "", null, "p").parameters().isObject()).isTrue();
    }
}
