package dev.sparkptq.config;

import dev.sparkptq.core.Location;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * What every binder of one load shares: where relative paths start, the command-line overrides, the problem list,
 * and the files that must exist. Files are only collected while binding and checked at the end, after overrides,
 * so a missing file that an override replaces is never reported. Only local files are checked here: a location on
 * another file system is checked by whoever can reach it ({@code storage.Storage}, from the command line) before
 * any job.
 */
final class BindContext {
    private final Location baseDir;
    private final ConfigOverrides overrides;
    private final Problems problems;
    private final List<RequiredFile> files = new ArrayList<>();

    BindContext(Location baseDir, ConfigOverrides overrides, Problems problems) {
        this.baseDir = baseDir;
        this.overrides = overrides == null ? ConfigOverrides.none() : overrides;
        this.problems = problems;
    }

    Location baseDir() {
        return baseDir;
    }

    ConfigOverrides overrides() {
        return overrides;
    }

    Problems problems() {
        return problems;
    }

    /** What a path must be for the run to work. */
    enum FileKind { FILE, FILE_OR_DIRECTORY }

    /** Where a path came from: messages for command-line paths say so, since the config is then not to blame. */
    enum Origin { CONFIG, COMMAND_LINE }

    private record RequiredFile(String jsonPath, Location file, FileKind kind, Origin origin) {
    }

    void requireFile(String jsonPath, Location file, FileKind kind, Origin origin) {
        if (file.isLocal()) {
            files.add(new RequiredFile(jsonPath, file, kind, origin));
        }
    }

    /** Reports every required file that is missing (or is a folder where a file is needed). */
    void checkFiles() {
        for (RequiredFile f : files) {
            String suffix = f.origin() == Origin.COMMAND_LINE ? " (given on the command line)" : "";
            if (!Files.exists(f.file().path())) {
                problems.add(f.jsonPath(), f.file() + " does not exist" + suffix);
            } else if (f.kind() == FileKind.FILE && !Files.isRegularFile(f.file().path())) {
                problems.add(f.jsonPath(), f.file() + " is not a regular file" + suffix);
            }
        }
    }
}
