package dev.e2bgateway.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.e2bgateway.tools.ToolCallEvent.CallCompleted;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import static dev.e2bgateway.tools.Replies.JSON;
import static org.assertj.core.api.Assertions.assertThat;

class ToolPromptTest {

    private final ToolPrompt prompt = new ToolPrompt(JSON);

    private static final List<Tool> TOOLS = Replies.TOOLS;

    @Test
    void no_tools_add_nothing_to_the_prompt() {
        assertThat(prompt.render(List.of(), ToolChoice.auto())).isEmpty();
    }

    @Test
    void tool_choice_none_lists_no_tool_and_says_not_to_call() {
        String text = prompt.render(TOOLS, ToolChoice.none());
        assertThat(text).contains("No tools are available").doesNotContain("get_weather").doesNotContain("<invoke");
    }

    @Test
    void auto_lists_every_tool_with_the_call_format_and_lets_the_model_choose() {
        String text = prompt.render(TOOLS, ToolChoice.auto());
        assertThat(text)
                .contains("<tool_calls>\n<invoke name=\"TOOL_NAME\">\n<parameter name=\"PARAMETER_NAME\">value</parameter>\n</invoke>\n</tool_calls>")
                .contains("otherwise just answer")
                .contains("run in parallel")
                .contains("<tool_results>");
        TOOLS.forEach(t -> assertThat(text).contains("\n### " + t.name() + "\n"));
    }

    @Test
    void required_says_a_call_is_a_must() {
        assertThat(prompt.render(TOOLS, ToolChoice.required())).contains("must call at least one tool");
    }

    @Test
    void a_named_choice_lists_only_that_tool_and_says_to_call_it() {
        String text = prompt.render(TOOLS, ToolChoice.named("get_time"));
        assertThat(text).contains("must call the tool get_time").contains("### get_time").doesNotContain("### get_weather");
    }

    @Test
    void parallel_off_asks_for_one_call_at_most() {
        String text = prompt.render(TOOLS, ToolChoice.auto().withParallel(false));
        assertThat(text).contains("at most one call per reply").doesNotContain("run in parallel");
    }

    @Test
    void the_example_in_the_prompt_is_a_valid_call_in_the_contract_format() throws IOException {
        String text = prompt.render(TOOLS, ToolChoice.auto());
        String example = text.substring(text.indexOf("<tool_calls>\n<invoke name=\"save_note\">"), text.indexOf("\n\n## Available tools"));
        Tool saveNote = Tool.function("save_note", "", JSON.readTree("""
                {"properties":{"title":{"type":"string"},"text":{"type":"string"},"pinned":{"type":"boolean"}}}"""));
        List<ToolCallEvent> events = new ArrayList<>();
        ToolCallParser parser = new ToolCallParser(List.of(saveNote), ToolChoice.auto(), JSON, events::add);
        parser.feed(example);
        parser.finish();
        assertThat(events).filteredOn(CallCompleted.class::isInstance).singleElement().isEqualTo(new CallCompleted(0, "save_note",
                "{\"title\":\"Groceries\",\"text\":\"Milk & \\\"good\\\" bread\\n<2 kg apples\",\"pinned\":true}"));
    }

    @Test
    void schemas_lose_their_noise_but_keep_types_enums_descriptions_and_required() throws IOException {
        Tool tool = Tool.function("t", "Does t.", JSON.readTree("""
                {"$schema": "http://json-schema.org/draft-07/schema#", "title": "TInput", "type": "object",
                 "additionalProperties": false,
                 "properties": {
                   "title": {"type": "string", "title": "Title", "description": "a parameter named title stays"},
                   "mode": {"type": "string", "enum": ["a", "b"], "default": "a"},
                   "items": {"type": "array", "items": {"type": "object", "title": "Item", "additionalProperties": false,
                             "properties": {"n": {"type": "integer", "minimum": 1}}, "required": ["n"]}}},
                 "required": ["title"]}"""));
        String text = prompt.render(List.of(tool), ToolChoice.auto());
        assertThat(text).contains("### t\nDoes t.\nParameters: {\"properties\":{"
                + "\"title\":{\"type\":\"string\",\"description\":\"a parameter named title stays\"},"
                + "\"mode\":{\"type\":\"string\",\"enum\":[\"a\",\"b\"],\"default\":\"a\"},"
                + "\"items\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\",\"minimum\":1}},\"required\":[\"n\"]}}},"
                + "\"required\":[\"title\"]}\n");
    }

    @Test
    void a_tool_without_parameters_says_so_and_a_custom_tool_shows_its_input() {
        String text = prompt.render(List.of(Tool.function("now", "", null), Tool.custom("apply_patch", "Applies a patch.")),
                ToolChoice.auto());
        assertThat(text).contains("### now\nParameters: none\n")
                .contains("### apply_patch\nApplies a patch.\nParameters: {\"properties\":{\"input\":{\"type\":\"string\"");
    }

    @Test
    void twenty_five_agent_tools_cost_no_more_than_the_json_the_client_sent_plus_a_fixed_preamble() throws IOException {
        JsonNode sent;
        try (InputStream in = getClass().getResourceAsStream("agent-tools.json")) {
            sent = JSON.readTree(in);
        }
        List<Tool> tools = new ArrayList<>();
        int schemas = 0;
        for (JsonNode t : sent) {
            JsonNode f = t.get("function");
            tools.add(Tool.function(f.get("name").asText(), f.get("description").asText(), f.get("parameters")));
            schemas += JSON.writeValueAsString(f.get("parameters")).length();
        }
        int toolsJson = JSON.writeValueAsString(sent).length();
        String text = prompt.render(tools, ToolChoice.auto());
        int preamble = text.indexOf("\n### ");
        int listing = text.length() - preamble;

        System.out.printf("tools: %d; client JSON (compact): %d chars, of which parameter schemas: %d%n", tools.size(), toolsJson, schemas);
        System.out.printf("prompt: %d chars (~%d tokens at 4 chars/token) = preamble %d + tool listing %d (%.0f%% of the client JSON, %d per tool)%n",
                text.length(), text.length() / 4, preamble, listing, 100.0 * listing / toolsJson, listing / tools.size());

        assertThat(tools).hasSize(25);
        assertThat(preamble).as("fixed preamble").isLessThan(1_500);
        assertThat(listing).as("tool listing vs the tools JSON sent").isLessThan(toolsJson);
        assertThat(text.length()).as("whole section").isLessThan(toolsJson + 1_500);
    }
}
