package dev.e2bgateway.error;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LogSafeTest {

    enum Case {
        PLAIN("gpt-4o", "gpt-4o"),
        NEWLINE("a\nb", "a\\nb"),
        CARRIAGE_RETURN("a\rb", "a\\rb"),
        TAB("a\tb", "a\\tb"),
        BACKSLASH_CANNOT_FAKE_AN_ESCAPE("a\\nb", "a\\\\nb"),
        OTHER_C0("a\u0000b\u001bc", "a\\u0000b\\u001bc"),
        DEL_AND_C1("a\u007fb\u0085c\u009bd", "a\\u007fb\\u0085c\\u009bd"),
        LINE_AND_PARAGRAPH_SEPARATORS("a\u2028b\u2029c", "a\\u2028b\\u2029c"),
        OTHER_UNICODE_KEPT("modèle ✓ 😀", "modèle ✓ 😀"),
        NULL(null, "null");

        final String in;
        final String out;

        Case(String in, String out) {
            this.in = in;
            this.out = out;
        }
    }

    @ParameterizedTest
    @EnumSource(Case.class)
    void control_characters_become_visible_escapes(Case c) {
        assertThat(LogSafe.text(c.in)).isEqualTo(c.out);
    }

    @Test
    void long_values_are_cut_saying_how_much_was_left_off() {
        assertThat(LogSafe.text("x".repeat(1_000))).isEqualTo("x".repeat(200) + "...(800 more chars)");
        assertThat(LogSafe.message("\n".repeat(5_000))).startsWith("\\n\\n").endsWith("...(4000 more chars)").hasSize(2_000 + 20);
    }

    @Test
    void a_cut_never_splits_a_character() {
        String s = "x".repeat(199) + "😀" + "y";
        assertThat(LogSafe.text(s)).isEqualTo("x".repeat(199) + "...(3 more chars)");
    }
}
