package dev.sparkptq.data;

import dev.sparkptq.core.DataException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/** Listing the data files of a folder: by extension (case-insensitive), sorted by file name. */
final class SourceFiles {
    private SourceFiles() {
    }

    static void requireExists(Path source, String what) {
        if (!Files.exists(source)) {
            throw new DataException("data source " + source + " does not exist; point the data source at " + what);
        }
    }

    static void requireFolder(Path source, String what) {
        requireExists(source, what);
        if (!Files.isDirectory(source)) {
            throw new DataException("data source " + source + " is not a folder; point it at " + what);
        }
    }

    /**
     * Names of the regular files directly in {@code folder} whose extension is one of {@code extensions}
     * (lower case, without dot), sorted by name.
     *
     * @throws DataException when there is none
     */
    static List<String> list(Path folder, Set<String> extensions) {
        try (Stream<Path> files = Files.list(folder)) {
            List<String> names = files.filter(Files::isRegularFile)
                    .map(p -> p.getFileName().toString())
                    .filter(n -> extensions.contains(extension(n)))
                    .sorted()
                    .toList();
            if (names.isEmpty()) {
                throw new DataException("folder " + folder + " holds no " + String.join("/", extensions.stream()
                        .sorted().toList()) + " files; point the data source at a folder with data files");
            }
            return names;
        } catch (IOException e) {
            throw new DataException("cannot list folder " + folder + ": " + e.getMessage()
                    + "; check that it is readable", e);
        }
    }

    /**
     * The whole file {@code file}, wherever it is (a sample file on a task, a reader's file on the driver).
     *
     * @param what what the file is, for the message (e.g. "NPY file", "tokenizer file")
     * @throws DataException when it cannot be read
     */
    static byte[] readAll(dev.sparkptq.core.Location file, String what) {
        try {
            return dev.sparkptq.storage.Storage.readAllBytes(file);
        } catch (IOException e) {
            throw new DataException("cannot read " + what + " " + file + ": " + e.getMessage() + "; check that it "
                    + "exists and is readable", e);
        }
    }

    static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
