package dev.e2bgateway.models;

import java.util.Set;
import java.util.function.Function;

/**
 * The provider ids the upstream can route to (docs/upstream.md), and the one check
 * that a name given in a settings file or variable is one of them. Each caller words its own
 * error (which file, which entry, which field); the check and the list it quotes live here.
 */
public final class Providers {

    public static final Set<String> IDS = Set.of("anthropic", "openai", "google", "vertex", "mistral", "groq",
            "togetherai", "fireworks", "xai", "deepseek", "ollama");

    private Providers() {
    }

    /**
     * Returns quietly if {@code id} is a provider the upstream knows; else throws what
     * {@code problem} makes of the known ids (sorted, as {@code [anthropic, deepseek, ...]}).
     */
    public static void requireKnown(String id, Function<String, ? extends RuntimeException> problem) {
        if (!IDS.contains(id)) throw problem.apply(IDS.stream().sorted().toList().toString());
    }
}
