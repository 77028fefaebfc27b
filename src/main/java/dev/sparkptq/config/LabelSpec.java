package dev.sparkptq.config;

import dev.sparkptq.core.Location;

import java.io.Serializable;
import java.nio.file.Path;

/**
 * Where class labels come from.
 *
 * <ul>
 *   <li>{@code FILENAME_PREFIX}: the part of the file name before {@code separator}; mapped to a class index by its
 *   (0-based) line number in {@code indexFile} (a local path or a Hadoop file-system URI, read once by the driver),
 *   or parsed as an integer when {@code indexFile} is null.</li>
 *   <li>{@code NPY_FILE}: {@code file} is a 1-D integer NPY array, one label per sample in sample order (for an NPY
 *   source with a batch axis); when {@code file} is null, {@code labels.npy} next to the data source's NPY file.</li>
 * </ul>
 */
public record LabelSpec(Source from, Location indexFile, String separator, Path file) implements Serializable {
    public enum Source { FILENAME_PREFIX, NPY_FILE }

    /** {@link Path} is not serializable: ship paths as text (executors rebuild the record). */
    private Object writeReplace() {
        return new Proxy(from, indexFile, separator, SerialPaths.text(file));
    }

    private record Proxy(Source from, Location indexFile, String separator, String file) implements Serializable {
        private Object readResolve() {
            return new LabelSpec(from, indexFile, separator, SerialPaths.path(file));
        }
    }
}
