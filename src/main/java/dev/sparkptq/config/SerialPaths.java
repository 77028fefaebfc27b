package dev.sparkptq.config;

import java.nio.file.Path;

/** Paths as text for serialization proxies ({@link Path} itself is not {@link java.io.Serializable}). */
final class SerialPaths {
    private SerialPaths() {
    }

    static String text(Path p) {
        return p == null ? null : p.toString();
    }

    static Path path(String s) {
        return s == null ? null : Path.of(s);
    }
}
