package dev.sparkptq.storage;

import dev.sparkptq.core.Location;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A folder on some file system, with just what publishing a run's outputs and checkpoints needs. Entries are named
 * relative to the folder with '/' between levels ({@code ".spark-ptq-new-1/model.onnx"}).
 *
 * <p>Made by {@link #of}: {@link LocalFolder} for a local path (java.nio, owner-only staging folders, renames that are
 * atomic on one disk), {@link HadoopFolder} for any other file system.
 */
public interface Folder {
    /** The folder for {@code location} (not created). */
    static Folder of(Location location) {
        return location.isLocal() ? new LocalFolder(location.path()) : new HadoopFolder(location);
    }

    /** Where the folder is. */
    Location location();

    /**
     * Whether a rename inside this folder is atomic (HDFS, local disks). On object stores a rename copies and
     * deletes, so outputs are written with one PUT per file instead ({@code OutputSwap}).
     */
    boolean atomicRename();

    /** Whether the folder itself is a regular file (it cannot hold outputs then). */
    boolean isFile() throws IOException;

    boolean exists(String name) throws IOException;

    /** Names of the direct entries whose name starts with {@code prefix}, sorted. */
    List<String> list(String prefix) throws IOException;

    /** Creates the entry as a folder, with missing parents ({@code ""}: this folder itself). */
    void mkdirs(String name) throws IOException;

    /** Writes a file, replacing an existing one; visible to readers only once complete on object stores. */
    void write(String name, byte[] bytes) throws IOException;

    /** Copies a local file into the folder as {@code name}. */
    void upload(Path local, String name) throws IOException;

    byte[] read(String name) throws IOException;

    /** Renames {@code from} to {@code to}, which must not exist (atomic where {@link #atomicRename}). */
    void rename(String from, String to) throws IOException;

    /** Renames {@code from} over {@code to}, replacing it in one step where {@link #atomicRename}. */
    void replace(String from, String to) throws IOException;

    /** Deletes the entry and everything below it; nothing when it does not exist. */
    void delete(String name) throws IOException;
}
