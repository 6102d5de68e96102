package dev.e2bgateway.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ToolTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String SCHEMA = """
            {"type": "object",
             "properties": {
               "path": {"type": "string"},
               "untyped": {"description": "no type at all"},
               "count": {"type": "integer"},
               "ratio": {"type": "number"},
               "flag": {"type": "boolean"},
               "tags": {"type": "array", "items": {"type": "string"}},
               "options": {"type": "object"},
               "maybe_text": {"type": ["string", "null"]},
               "maybe_count": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
               "loose_union": {"anyOf": [{"type": "integer"}, {"description": "anything"}]},
               "point": {"$ref": "#/$defs/Point"},
               "remote": {"$ref": "https://example.com/schema.json"}
             },
             "required": ["path", "count"],
             "$defs": {"Point": {"type": "object", "properties": {"x": {"type": "number"}}}}}
            """;

    enum Param {
        PATH("path", true),
        UNTYPED("untyped", true),
        COUNT("count", false),
        RATIO("ratio", false),
        FLAG("flag", false),
        TAGS("tags", false),
        OPTIONS("options", false),
        STRING_OR_NULL("maybe_text", true),
        TYPED_UNION("maybe_count", false),
        UNION_WITH_AN_UNTYPED_BRANCH("loose_union", true),
        LOCAL_REF_TO_AN_OBJECT("point", false),
        REMOTE_REF("remote", true),
        UNDECLARED("not_in_schema", true);

        final String name;
        final boolean text;

        Param(String name, boolean text) {
            this.name = name;
            this.text = text;
        }
    }

    @ParameterizedTest
    @EnumSource(Param.class)
    void strings_and_untyped_parameters_are_text_everything_else_is_json(Param param) throws Exception {
        Tool tool = Tool.function("t", "d", JSON.readTree(SCHEMA));
        assertThat(tool.isText(param.name)).isEqualTo(param.text);
    }

    @Test
    void required_lists_the_schema_required_names_in_order() throws Exception {
        assertThat(Tool.function("t", "d", JSON.readTree(SCHEMA)).required()).containsExactly("path", "count");
    }

    @Test
    void a_missing_schema_is_an_empty_object_with_no_required_parameters() {
        Tool tool = Tool.function("t", null, null);
        assertThat(tool.parameters().isObject()).isTrue();
        assertThat(tool.parameters().isEmpty()).isTrue();
        assertThat(tool.description()).isEmpty();
        assertThat(tool.required()).isEmpty();
        assertThat(tool.allowsUndeclared()).isTrue();
    }

    @Test
    void additional_properties_false_forbids_undeclared_parameters() throws Exception {
        Tool tool = Tool.function("t", "d", JSON.readTree("{\"properties\":{\"a\":{}},\"additionalProperties\":false}"));
        assertThat(tool.allowsUndeclared()).isFalse();
        assertThat(tool.declares("a")).isTrue();
        assertThat(tool.declares("b")).isFalse();
    }

    @Test
    void a_custom_tool_takes_one_required_raw_text_parameter() {
        Tool tool = Tool.custom("apply_patch", "Applies a patch");
        assertThat(tool.kind()).isEqualTo(Tool.Kind.CUSTOM);
        assertThat(tool.required()).containsExactly(Tool.CUSTOM_INPUT);
        assertThat(tool.isText(Tool.CUSTOM_INPUT)).isTrue();
        assertThat(tool.allowsUndeclared()).isTrue();
    }

    @Test
    void the_schema_is_copied_so_later_changes_to_the_callers_tree_do_not_leak_in() throws Exception {
        JsonNode schema = JSON.readTree("{\"properties\":{\"a\":{\"type\":\"string\"}}}");
        Tool tool = Tool.function("t", "d", schema);
        ((com.fasterxml.jackson.databind.node.ObjectNode) schema.get("properties").get("a")).put("type", "integer");
        assertThat(tool.isText("a")).isTrue();
    }

    @Test
    void a_tool_needs_a_name() {
        assertThatThrownBy(() -> Tool.function(" ", "d", null)).isInstanceOf(IllegalArgumentException.class);
    }
}
