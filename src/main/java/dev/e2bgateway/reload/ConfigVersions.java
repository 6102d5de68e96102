package dev.e2bgateway.reload;

import dev.e2bgateway.config.Config;
import dev.e2bgateway.core.CellText;
import dev.e2bgateway.core.InterpreterLoop;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The settings files' versions as the endpoints show them. */
public final class ConfigVersions {

    private ConfigVersions() {
    }

    /**
     * For {@code /health}, which needs no key: per file only the hash prefix and the load time, so a
     * fleet's gateways can be compared at a glance; no path, no names.
     */
    public static Map<String, Object> health(Settings settings) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (SettingsFile file : SettingsFile.values()) {
            Version v = settings.versions().get(file);
            if (v != null) out.put(file.label, Map.of("sha256", v.shortHash(), "loaded_at", v.loadedAt()));
        }
        return out;
    }

    /**
     * For {@code GET /v1/gateway/config}: each file's path, version and last look (its outcome and
     * time; why a file was refused is in the log, which names entries this endpoint's callers need not see).
     */
    public static Map<String, Object> detail(Reloader reloader, Config.Reload reload, Config.Interpreter interpreter) {
        Settings settings = reloader.current();
        Map<SettingsFile, Reloader.Attempt> attempts = reloader.attempts();
        List<Map<String, Object>> files = new ArrayList<>();
        reloader.files().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            Version v = settings.versions().get(e.getKey());
            Map<String, Object> file = new LinkedHashMap<>();
            file.put("file", e.getKey().label);
            file.put("variable", e.getKey().variable);
            file.put("path", e.getValue().toString());
            file.put("sha256", v.shortHash());
            file.put("loaded_at", v.loadedAt());
            Reloader.Attempt last = attempts.get(e.getKey());
            file.put("last_reload", last == null ? null
                    : Map.of("outcome", last.outcome().label, "at", Instant.ofEpochMilli(last.atMillis()).toString()));
            files.add(file);
        });
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("object", "gateway.config");
        out.put("watch", reload.watch() && !files.isEmpty());
        out.put("watch_interval_ms", reload.interval().toMillis());
        out.put("files", files);
        out.put("interpreter", interpreter(interpreter));
        return out;
    }

    /** The code interpreter's switch and the budgets of one turn (docs/code-interpreter.md, "Budgets"). */
    private static Map<String, Object> interpreter(Config.Interpreter interpreter) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("enabled", interpreter.enabled());
        out.put("sandbox_timeout_ms", interpreter.timeout().toMillis());
        out.put("rounds_per_turn", InterpreterLoop.MAX_ROUNDS);
        out.put("cells_per_turn", interpreter.cellsPerTurn());
        out.put("cell_output_chars", interpreter.cellOutputChars());
        out.put("turn_output_chars", interpreter.turnOutputChars());
        out.put("model_section_chars", CellText.MAX_SECTION_CHARS);
        return out;
    }
}
