package dev.sparkptq.storage;

import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.Location;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Files and folders on a real HDFS; one-line refusals for file systems that cannot be used. */
class StorageHdfsTest {
    @Test
    void readsListsAndWritesFilesOnHdfs() throws Exception {
        Location dir = MiniHdfs.folder("storage");
        Folder f = Folder.of(dir);
        assertTrue(f.atomicRename());
        f.write("b.txt", "bee".getBytes(StandardCharsets.UTF_8));
        f.write("a.jpg", "ay".getBytes(StandardCharsets.UTF_8));
        f.mkdirs("sub");
        assertEquals(List.of("a.jpg", "b.txt"), Storage.listFiles(dir).stream().map(Location::name).toList());
        assertEquals("bee", new String(Storage.readAllBytes(dir.child("b.txt")), StandardCharsets.UTF_8));
        assertTrue(Storage.isFile(dir.child("a.jpg")));
        assertTrue(Storage.isDirectory(dir.child("sub")));
        assertFalse(Storage.exists(dir.child("none")));
        f.write("tmp", "new".getBytes(StandardCharsets.UTF_8));
        f.replace("tmp", "b.txt");
        assertEquals("new", new String(f.read("b.txt"), StandardCharsets.UTF_8));
        assertFalse(f.exists("tmp"));
        Storage.check(dir, "test"); // reachable
    }

    @Test
    void anUnknownSchemeIsRefusedNamingIt() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> Storage.check(Location.parse("frob://host/x"), "--data-source"));
        assertTrue(e.getMessage().contains("'frob'") && e.getMessage().contains("--data-source"), e.getMessage());
    }

    @Test
    void aMissingConnectorNamesTheArtifact() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> Storage.check(Location.parse("s3a://bucket/calib"), "engine.data_source"));
        assertTrue(e.getMessage().contains("hadoop-aws"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> Storage.check(Location.parse("gs://bucket/x"), "model"));
        assertTrue(e.getMessage().contains("gcs-connector"), e.getMessage());
    }

    @Test
    void anUnreachableNameNodeFailsFastInOneLine() {
        long t0 = System.nanoTime();
        ConfigException e = assertThrows(ConfigException.class,
                () -> Storage.check(Location.parse("hdfs://127.0.0.1:1/calib"), "--data-source"));
        assertTrue(e.getMessage().contains("cannot reach the file system hdfs://127.0.0.1:1"), e.getMessage());
        assertTrue(e.getMessage().contains("connection refused"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertTrue(System.nanoTime() - t0 < 8_000_000_000L, "no retries: " + (System.nanoTime() - t0) / 1e9 + " s");
    }
}
