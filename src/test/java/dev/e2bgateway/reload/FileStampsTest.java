package dev.e2bgateway.reload;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** When the watcher reads a settings file: after a change has held still for one look, once. */
class FileStampsTest {

    @Test
    void a_change_is_reported_once_it_has_held_still_for_one_look_and_only_until_it_is_read(@TempDir Path dir) throws Exception {
        Path keys = dir.resolve("keys.json");
        Path models = dir.resolve("models.json");
        Files.writeString(keys, "{\"keys\": []}");
        Files.writeString(models, "{}");
        FileStamps stamps = new FileStamps(Map.of(SettingsFile.KEYS, keys, SettingsFile.MODELS, models));
        stamps.read(stamps.look(Set.of(SettingsFile.KEYS, SettingsFile.MODELS)));
        assertThat(stamps.settledChanges()).isEmpty();

        Files.writeString(keys, "{\"keys\": [{\"name\": \"a\"");
        assertThat(stamps.settledChanges()).as("just changed: maybe half-written").isEmpty();
        Files.writeString(keys, "{\"keys\": [{\"name\": \"a\", \"key\": \"k\"}]}");
        assertThat(stamps.settledChanges()).as("changed again since the last look").isEmpty();
        assertThat(stamps.settledChanges()).containsExactly(SettingsFile.KEYS);
        assertThat(stamps.settledChanges()).as("until it is read").containsExactly(SettingsFile.KEYS);

        stamps.read(stamps.look(Set.of(SettingsFile.KEYS)));
        assertThat(stamps.settledChanges()).isEmpty();
    }

    @Test
    void a_file_replaced_by_rename_or_gone_counts_as_changed(@TempDir Path dir) throws Exception {
        Path keys = dir.resolve("keys.json");
        Files.writeString(keys, "{\"keys\": []}");
        FileStamps stamps = new FileStamps(Map.of(SettingsFile.KEYS, keys));
        stamps.read(stamps.look(Set.of(SettingsFile.KEYS)));

        // Same size, and the same modification time as far as the file system says: only the inode differs.
        Path next = dir.resolve("keys.json.new");
        Files.writeString(next, "{\"keys\": {}}");
        Files.setLastModifiedTime(next, Files.getLastModifiedTime(keys));
        Files.move(next, keys, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        stamps.settledChanges();
        assertThat(stamps.settledChanges()).containsExactly(SettingsFile.KEYS);
        stamps.read(stamps.look(Set.of(SettingsFile.KEYS)));

        Files.delete(keys);
        stamps.settledChanges();
        assertThat(stamps.settledChanges()).as("gone: read, and refused as unreadable").containsExactly(SettingsFile.KEYS);
    }
}
