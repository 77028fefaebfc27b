package dev.sparkptq.runtime;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A serialized ONNX model as it travels to executors: either its bytes (models under 2 GB) or a path every executor
 * can read (models saved with external data), kept as text because {@link Path} is not serializable. {@code digest} identifies it for per-JVM session caching.
 */
public record ModelBlob(String digest, byte[] bytes, String path) implements Serializable {
    public ModelBlob {
        Objects.requireNonNull(digest, "digest");
        if ((bytes == null) == (path == null)) {
            throw new IllegalArgumentException("exactly one of bytes and path must be set");
        }
    }

    public static ModelBlob ofBytes(String digest, byte[] bytes) {
        return new ModelBlob(digest, bytes, null);
    }

    /** A model file (possibly with external data next to it) that every executor can read at this path. */
    public static ModelBlob ofPath(String digest, Path path) {
        return new ModelBlob(digest, null, path.toAbsolutePath().toString());
    }
}
