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
        configureOffline();
        Map<String, String> options = Map.of(
                "truncation", "true",
                "maxLength", Integer.toString(maxLength),
                "padding", "false",
                "addSpecialTokens", "true");
        try {
            return HuggingFaceTokenizer.newInstance(file, options);
        } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
            throw new DataException("cannot load tokenizer " + file + " (" + e.getMessage() + "); point "
                    + "'tokenizer' at a HuggingFace tokenizer.json", e);
        }
    }
}
