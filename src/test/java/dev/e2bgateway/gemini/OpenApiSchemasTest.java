package dev.e2bgateway.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OpenApiSchemasTest {

    private final ObjectMapper json = new ObjectMapper();

    private JsonNode convert(String schema) throws Exception {
        return OpenApiSchemas.toJsonSchema(json.readTree(schema));
    }

    @Test
    void upper_case_types_nullable_and_nested_schemas_become_json_schema() throws Exception {
        JsonNode out = convert("{\"type\":\"OBJECT\",\"propertyOrdering\":[\"a\",\"b\"],\"required\":[\"a\"],\"properties\":{"
                + "\"a\":{\"type\":\"STRING\",\"nullable\":true,\"enum\":[\"x\",\"y\"]},"
                + "\"b\":{\"type\":\"ARRAY\",\"items\":{\"type\":\"INTEGER\",\"format\":\"int32\"}},"
                + "\"c\":{\"anyOf\":[{\"type\":\"NUMBER\"},{\"type\":\"BOOLEAN\"}]}}}");
        assertThat(out.toString()).isEqualTo("{\"type\":\"object\",\"required\":[\"a\"],\"properties\":{"
                + "\"a\":{\"type\":[\"string\",\"null\"],\"enum\":[\"x\",\"y\"]},"
                + "\"b\":{\"type\":\"array\",\"items\":{\"type\":\"integer\",\"format\":\"int32\"}},"
                + "\"c\":{\"anyOf\":[{\"type\":\"number\"},{\"type\":\"boolean\"}]}}}");
    }

    @Test
    void a_plain_json_schema_passes_unchanged_and_a_non_object_is_returned_as_it_is() throws Exception {
        String plain = "{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\",\"description\":\"OBJECT stays text\"}}}";
        assertThat(convert(plain).toString()).isEqualTo(plain);
        assertThat(convert("\"STRING\"").asText()).isEqualTo("STRING");
    }
}
