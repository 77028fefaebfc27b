package dev.sparkptq.data;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.sparkptq.core.BadSampleException;
import dev.sparkptq.core.DataException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Streaming reads of the number array under one top-level key of a JSON object ({@code {"data": [...]}}; nested
 * arrays are flattened in order), with a small per-JVM cache of the last few parsed arrays so that loading the
 * samples of one file does not re-parse it for each sample.
 */
final class JsonArrays {
    private static final JsonFactory FACTORY = new JsonFactory();
    static final int MAX_CACHED_FILES = 4;
    static final long MAX_CACHED_FLOATS = 64L << 20;
    private static final LinkedHashMap<String, float[]> CACHE = new LinkedHashMap<>(16, 0.75f, true);
    private static long cachedFloats;

    private JsonArrays() {
    }

    /** How many numbers the array under {@code key} holds, without keeping them. */
    static long count(Path file, String key) {
        return scan(() -> FACTORY.createParser(file.toFile()), file.toString(), key, null);
    }

    /** How many numbers the array under {@code key} of a file read elsewhere holds; closes {@code in}. */
    static long count(java.io.InputStream in, String where, String key) {
        return scan(() -> FACTORY.createParser(in), where, key, null);
    }

    /** The numbers under {@code key} of a file read elsewhere (Spark's {@code binaryFile} rows), as floats. */
    static float[] floats(byte[] content, String where, String key) {
        FloatList values = new FloatList();
        scan(() -> FACTORY.createParser(content), where, key, values);
        return values.toArray();
    }

    /** The numbers under {@code key} as floats, from the cache when this JVM parsed the same file version recently. */
    static float[] floats(Path file, String key) {
        String cacheKey = cacheKey(file, key);
        synchronized (CACHE) {
            float[] hit = CACHE.get(cacheKey);
            if (hit != null) {
                return hit;
            }
        }
        FloatList values = new FloatList();
        scan(() -> FACTORY.createParser(file.toFile()), file.toString(), key, values);
        float[] parsed = values.toArray();
        synchronized (CACHE) {
            if (CACHE.put(cacheKey, parsed) == null) {
                cachedFloats += parsed.length;
            }
            evict();
        }
        return parsed;
    }

    private static void evict() {
        Iterator<Map.Entry<String, float[]>> it = CACHE.entrySet().iterator();
        while (CACHE.size() > 1 && (CACHE.size() > MAX_CACHED_FILES || cachedFloats > MAX_CACHED_FLOATS)) {
            cachedFloats -= it.next().getValue().length;
            it.remove();
        }
    }

    private static String cacheKey(Path file, String key) {
        try {
            return file.toAbsolutePath() + "|" + key + "|" + Files.size(file) + "|"
                    + Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            throw new DataException("cannot read JSON file " + file + ": " + e + "; check that it exists", e);
        }
    }

    /** Opens a parser over a file's bytes. */
    private interface Parsers {
        JsonParser open() throws IOException;
    }

    private static long scan(Parsers parsers, String file, String key, FloatList sink) {
        try (JsonParser p = parsers.open()) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw notFound(file, key);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (name.equals(key) && value == JsonToken.START_ARRAY) {
                    return readArray(p, file, key, sink);
                }
                p.skipChildren();
            }
            throw notFound(file, key);
        } catch (IOException e) {
            throw new BadSampleException("cannot parse JSON file " + file + ": " + e.getMessage().lines().findFirst()
                    .orElse("") + "; fix the file (expected {\"" + key + "\": [numbers...]})", e);
        }
    }

    private static long readArray(JsonParser p, String file, String key, FloatList sink) throws IOException {
        long n = 0;
        int depth = 1;
        while (depth > 0) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new BadSampleException("JSON file " + file + " ends inside the '" + key
                        + "' array; fix the file");
            }
            switch (t) {
                case START_ARRAY -> depth++;
                case END_ARRAY -> depth--;
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                    n++;
                    if (sink != null) {
                        sink.add((float) p.getDoubleValue()); // via double, like numpy float32(json)
                    }
                }
                default -> throw new BadSampleException("JSON file " + file + " has " + t + " '" + p.getText()
                        + "' inside the '" + key + "' array; it must hold numbers only");
            }
        }
        return n;
    }

    private static BadSampleException notFound(String file, String key) {
        return new BadSampleException("JSON file " + file + " has no top-level array '" + key + "'; expected {\"" + key
                + "\": [numbers...]} or set 'key'");
    }

    /** A growable float array (avoids boxing millions of numbers). */
    private static final class FloatList {
        private float[] data = new float[1024];
        private int size;

        void add(float v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, data.length * 2);
            }
            data[size++] = v;
        }

        float[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }
}
