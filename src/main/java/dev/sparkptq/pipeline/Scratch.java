package dev.sparkptq.pipeline;

import dev.sparkptq.core.InternalException;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Scratch folders a run owns: the work folder (under {@code java.io.tmpdir}, which the launcher points at the run's
 * own folder) and the output's staging folder (inside the output folder). Both are created owner-only
 * ({@code rwx------} on POSIX) explicitly rather than by relying on the JDK default, because they hold the model
 * weights, the statistics and Spark's shuffle files of data the user may not want other local users to read.
 */
public final class Scratch {
    private Scratch() {
    }

    /** A new, empty, owner-only folder for one run's temporary files. */
    public static Path create() {
        try {
            Path base = Path.of(System.getProperty("java.io.tmpdir"));
            Files.createDirectories(base);
            return createIn(base, "spark-ptq-run-");
        } catch (IOException e) {
            throw new InternalException("cannot create a scratch folder under " + System.getProperty("java.io.tmpdir")
                    + ": " + e.getMessage() + "; set SPARK_PTQ_TMP to a writable folder", e);
        }
    }

    /** A new, empty, owner-only folder named {@code prefix<random>} in {@code parent}. */
    public static Path createIn(Path parent, String prefix) throws IOException {
        return Files.createTempDirectory(parent, prefix, ownerOnly());
    }

    private static FileAttribute<?>[] ownerOnly() {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[0]; // Windows: the JDK creates temp folders with the user's ACL only
        }
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                "rwx------"))};
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
