package dev.sparkptq.pipeline;

import dev.sparkptq.core.InternalException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Scratch folders a run owns (under {@code java.io.tmpdir}, which the launcher points at the run's own folder). */
public final class Scratch {
    private Scratch() {
    }

    /** A new, empty folder for one run's temporary files. */
    public static Path create() {
        try {
            Path base = Path.of(System.getProperty("java.io.tmpdir"));
            Files.createDirectories(base);
            return Files.createTempDirectory(base, "spark-ptq-run-");
        } catch (IOException e) {
            throw new InternalException("cannot create a scratch folder under " + System.getProperty("java.io.tmpdir")
                    + ": " + e.getMessage() + "; set SPARK_PTQ_TMP to a writable folder", e);
        }
    }

    /** Deletes a folder tree, best effort (a leftover temp folder never holds a published result). */
    public static void delete(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }
}
