package dev.e2bgateway.reload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Tells which settings files changed on disk, by looking at each one's modification time, size
 * and inode every so often (a poll, not a WatchService): the look follows symlinks, so it sees a
 * Kubernetes ConfigMap's {@code ..data} swap, a file replaced by rename (as editors save) and a
 * symlink into another directory alike, and it works where inotify does not (NFS, some
 * container mounts). Three {@code stat} calls a second cost nothing worth measuring.
 *
 * <p>A change counts once it has held still for one look, so a file caught half-written is not
 * read (and refused) before its writer is done.
 */
final class FileStamps {

    /** What a look sees of a file; null fields: the file is not there. */
    record Stamp(Object modified, long size, Object inode) {
        static final Stamp MISSING = new Stamp(null, -1, null);
    }

    private final Map<SettingsFile, Path> files;
    private final Map<SettingsFile, Stamp> lastSeen = new EnumMap<>(SettingsFile.class);
    private final Map<SettingsFile, Stamp> lastRead = new EnumMap<>(SettingsFile.class);

    FileStamps(Map<SettingsFile, Path> files) {
        this.files = files;
    }

    /** The stamps of {@code which} now: take them before reading the files, so a change made while they are read is still seen. */
    Map<SettingsFile, Stamp> look(Set<SettingsFile> which) {
        Map<SettingsFile, Stamp> now = new EnumMap<>(SettingsFile.class);
        for (SettingsFile file : which) now.put(file, stamp(files.get(file)));
        return now;
    }

    /** The files were read after {@code stamps} were taken. */
    void read(Map<SettingsFile, Stamp> stamps) {
        lastSeen.putAll(stamps);
        lastRead.putAll(stamps);
    }

    /** The files that changed since they were last read and have not changed since the previous look. */
    Set<SettingsFile> settledChanges() {
        Set<SettingsFile> changed = EnumSet.noneOf(SettingsFile.class);
        files.forEach((file, path) -> {
            Stamp now = stamp(path);
            if (!now.equals(lastSeen.get(file))) {
                lastSeen.put(file, now); // still moving, or just moved: look again next time
            } else if (!now.equals(lastRead.get(file))) {
                changed.add(file);
            }
        });
        return changed;
    }

    private static Stamp stamp(Path path) {
        try {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class); // follows symlinks
            return new Stamp(a.lastModifiedTime(), a.size(), a.fileKey());
        } catch (IOException e) {
            return Stamp.MISSING;
        }
    }
}
