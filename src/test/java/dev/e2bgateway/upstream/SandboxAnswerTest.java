package dev.e2bgateway.upstream;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The sandbox answer read as it arrives, with the cell's cap (SandboxClient.read). */
class SandboxAnswerTest {

    static SandboxRun read(String json, long maxChars) throws IOException {
        return SandboxClient.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), maxChars);
    }

    @Test
    void the_routes_answer_is_read_with_its_escapes_chunks_and_results() throws IOException {
        SandboxRun run = read("{\"sbxId\":\"sbx_1\",\"template\":\"code-interpreter-v1\",\"stdout\":[\"caf\\u00e9\\n\",\"two \\\"q\\\"\\n\"],"
                + "\"stderr\":\"warn\\t1\\n\",\"cellResults\":[{\"text\":\"42\",\"isMainResult\":true,\"extra\":{\"a\":[1,2.5e3,null,false]}},"
                + "{\"png\":\"iVBO\"}],\"other\":{\"deep\":[[[\"x\"]]]}}", 1000);
        assertThat(run.outcome()).isEqualTo(SandboxRun.Outcome.OK);
        assertThat(run.sandboxId()).isEqualTo("sbx_1");
        assertThat(run.stdout()).isEqualTo("café\ntwo \"q\"\n");
        assertThat(run.stderr()).isEqualTo("warn\t1\n");
        assertThat(run.texts()).containsExactly("42");
        assertThat(run.images()).containsExactly(new SandboxRun.Image("image/png", "iVBO"));
        assertThat(run.imagesLeftOut()).isZero();
    }

    @Test
    void a_runtime_error_keeps_its_traceback_without_terminal_escapes() throws IOException {
        String traceback = "\\u001b[0;31m---------------------------------------------------------------------------\\u001b[0m\\n"
                + "\\u001b[0;31mZeroDivisionError\\u001b[0m                         Traceback (most recent call last)\\n"
                + "Cell \\u001b[0;32mIn[1], line 1\\u001b[0m\\n\\u001b[0;31mZeroDivisionError\\u001b[0m: division by zero";
        SandboxRun run = read("{\"sbxId\":\"s\",\"stdout\":[],\"stderr\":[],\"runtimeError\":{\"name\":\"ZeroDivisionError\","
                + "\"value\":\"division by zero\",\"traceback\":\"" + traceback + "\"},\"cellResults\":[]}", 10_000);
        assertThat(run.outcome()).isEqualTo(SandboxRun.Outcome.RUNTIME_ERROR);
        assertThat(run.error().name()).isEqualTo("ZeroDivisionError");
        assertThat(run.error().traceback()).doesNotContain("\u001b", "[0;31m")
                .startsWith("-----").contains("Cell In[1], line 1\n").endsWith("ZeroDivisionError: division by zero");
    }

    @Test
    void output_past_the_cap_is_counted_not_kept_and_an_image_that_does_not_fit_is_left_out() throws IOException {
        String big = "x".repeat(5_000);
        SandboxRun run = read("{\"sbxId\":\"s\",\"stdout\":[\"" + big + "\",\"" + big + "\"],\"stderr\":[\"late\"],"
                + "\"cellResults\":[{\"png\":\"" + "A".repeat(3_000) + "\"}]}", 1_000);
        assertThat(run.stdout()).startsWith("x".repeat(1_000) + "\n[... 9000 more characters left out").hasSizeLessThan(1_200);
        assertThat(run.stderr()).startsWith("[... 4 more characters left out");
        assertThat(run.images()).isEmpty();
        assertThat(run.imagesLeftOut()).isEqualTo(1);
    }

    @Test
    void a_small_image_fits_beside_cut_text_only_while_room_is_left() throws IOException {
        SandboxRun run = read("{\"stdout\":[\"abc\"],\"cellResults\":[{\"png\":\"" + "A".repeat(90) + "\"},{\"jpeg\":\"" + "B".repeat(90) + "\"}]}", 100);
        assertThat(run.images()).hasSize(1);
        assertThat(run.images().get(0).mediaType()).isEqualTo("image/png");
        assertThat(run.imagesLeftOut()).isEqualTo(1);
    }

    @Test
    void bodies_that_are_not_a_cells_output_are_bad_json_never_an_exception() throws IOException {
        String deep = "[".repeat(1_000) + "]".repeat(1_000);
        for (String body : List.of("", "{", "{\"stdout\":[\"a\"]", "{\"stdout\":\"\\x\"}", "{\"unexpected\":true}", "[1,2]",
                "{\"stdout\":[]} trailing", "{\"other\":" + deep + "}", "{\"stdout\":tru}", "{\"a\" 1}", "{\"stdout\":\"\\u12G4\"}")) {
            SandboxRun run = read(body, 1_000);
            assertThat(run.outcome()).as(body.length() > 80 ? body.substring(0, 80) : body).isEqualTo(SandboxRun.Outcome.BAD_JSON);
        }
    }

    @Test
    void fifteen_megabytes_of_output_are_read_without_holding_them() throws IOException {
        // The answer is generated as it is read: nothing in this test holds it whole either.
        InputStream head = new ByteArrayInputStream("{\"sbxId\":\"s\",\"stdout\":[\"".getBytes(StandardCharsets.US_ASCII));
        InputStream body = new InputStream() {
            long left = 15L << 20;

            @Override
            public int read() {
                return left-- > 0 ? 'y' : -1;
            }
        };
        InputStream tail = new ByteArrayInputStream("\"],\"stderr\":[]}".getBytes(StandardCharsets.US_ASCII));
        SandboxRun run = SandboxClient.read(new SequenceInputStream(Collections.enumeration(List.of(head, body, tail))), 1 << 20);
        assertThat(run.outcome()).isEqualTo(SandboxRun.Outcome.OK);
        assertThat(run.stdout()).startsWith("yyyy").contains("[... " + ((15L << 20) - (1 << 20)) + " more characters left out");
        assertThat(run.stdout().length()).isLessThan((1 << 20) + 200);
    }
}
