package dev.sparkptq.pipeline;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Scratch and staging folders are owner-only, whatever the umask (POSIX; the CI runs on Linux). */
class ScratchTest {
    @TempDir
    Path dir;

    @Test
    void aStagingFolderInTheOutputFolderIsOwnerOnly() throws Exception {
        Path staging = Scratch.createIn(dir, ".spark-ptq-tmp-");
        assertTrue(staging.getFileName().toString().startsWith(".spark-ptq-tmp-"));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(staging)));
    }

    @Test
    void theRunsWorkFolderIsOwnerOnlyAndDeletedWithItsContents() throws Exception {
        String before = System.getProperty("java.io.tmpdir");
        System.setProperty("java.io.tmpdir", dir.toString());
        try {
            Path work = Scratch.create();
            assertTrue(work.startsWith(dir));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(work)));
            Files.writeString(Files.createDirectories(work.resolve("a/b")).resolve("c"), "x");
            Scratch.delete(work);
            assertTrue(Files.notExists(work));
        } finally {
            System.setProperty("java.io.tmpdir", before);
        }
    }
}
