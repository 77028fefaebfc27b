package dev.sparkptq.data;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.sparkptq.core.DataException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One DJL HuggingFace tokenizer per JVM per ({@code tokenizer.json}, max length), created on first use and kept for
 * the life of the JVM (a native handle: never serialized, never shared across JVMs).
 *
 * <p>Before DJL is first touched this sets {@code ai.djl.offline=true} (no model-hub access) and
 * {@code OPT_OUT_TRACKING=true} (DJL otherwise pings a telemetry endpoint when a tokenizer is created), unless the
 * user already set them as system properties or environment variables. The native library is extracted from the DJL
 * jar into DJL's cache folder; nothing is downloaded.
 */
public final class Tokenizers {
    private static final ConcurrentHashMap<String, HuggingFaceTokenizer> CACHE = new ConcurrentHashMap<>();

    private Tokenizers() {
    }

    /** The cached tokenizer for {@code file}, truncating to {@code maxLength} tokens, without padding. */
    public static HuggingFaceTokenizer get(Path file, int maxLength) {
        String key = file.toAbsolutePath().normalize() + "|" + maxLength;
        return CACHE.computeIfAbsent(key, k -> create(file, maxLength));
    }

    /**
     * The cached tokenizer of a {@code tokenizer.json} shipped as bytes (one on another file system, read once by the
     * driver), truncating to {@code maxLength} tokens; keyed by the content's digest.
     *
     * @param origin where the file came from, for messages
     */
    public static HuggingFaceTokenizer get(byte[] json, String origin, int maxLength) {
        String key = "sha256:" + java.util.HexFormat.of().formatHex(sha256(json)) + "|" + maxLength;
        return CACHE.computeIfAbsent(key, k -> create(origin, maxLength, options -> HuggingFaceTokenizer.newInstance(
                new java.io.ByteArrayInputStream(json), options)));
    }

    private static byte[] sha256(byte[] data) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    static void configureOffline() {
        setIfAbsent("ai.djl.offline", "DJL_OFFLINE", "true");
        setIfAbsent("OPT_OUT_TRACKING", "OPT_OUT_TRACKING", "true");
    }

    private static void setIfAbsent(String property, String env, String value) {
        if (System.getProperty(property) == null && System.getenv(env) == null) {
            System.setProperty(property, value);
        }
    }

    private static HuggingFaceTokenizer create(Path file, int maxLength) {
        return create(file.toString(), maxLength, options -> HuggingFaceTokenizer.newInstance(file, options));
    }

    /** How a tokenizer is built from its options (from a file or from bytes). */
    private interface Builder {
        HuggingFaceTokenizer build(Map<String, String> options) throws IOException;
    }

    private static HuggingFaceTokenizer create(String origin, int maxLength, Builder builder) {
        configureOffline();
        Map<String, String> options = Map.of(
                "truncation", "true",
                "maxLength", Integer.toString(maxLength),
                "padding", "false",
                "addSpecialTokens", "true");
        try {
            return builder.build(options);
        } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
            throw new DataException("cannot load tokenizer " + origin + " (" + e.getMessage() + "); point "
                    + "'tokenizer' at a HuggingFace tokenizer.json", e);
        }
    }
}
