package dev.sparkptq.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.sparkptq.core.InternalException;

import java.io.IOException;
import java.io.StringWriter;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * A canonical JSON form of a resolved configuration and its SHA-256, for provenance. Canonical means: every record
 * component written (defaults included, so a config that spells out a default hashes like one that omits it), keys
 * sorted, compact, enums by name, paths as absolute strings, reader variants tagged with their type. Because it is
 * built from the resolved records and not from the file, comments, key order and POT aliases do not change it.
 * Written generically over record components, so a component added to a record is hashed without touching this.
 */
public final class CanonicalConfig {
    private static final JsonFactory FACTORY = new JsonFactory();

    private CanonicalConfig() {
    }

    /** Canonical JSON of the three sections. */
    public static String toJson(ModelSection model, EngineSection engine, CompressionSection compression) {
        Map<String, Object> root = new TreeMap<>();
        root.put("model", model);
        root.put("engine", engine);
        root.put("compression", compression);
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            write(g, root);
        } catch (IOException e) {
            throw new InternalException("cannot write the canonical config: " + e.getMessage(), e);
        }
        return out.toString();
    }

    /** Lower-case hex SHA-256 of {@link #toJson} in UTF-8. */
    public static String sha256(ModelSection model, EngineSection engine, CompressionSection compression) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(toJson(model, engine, compression).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new InternalException("SHA-256 is not available in this JVM", e);
        }
    }

    private static void write(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String || v instanceof Path || v instanceof dev.sparkptq.core.Location
                || v instanceof Enum<?>) {
            g.writeString(v instanceof Enum<?> e ? e.name() : v.toString());
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Integer || v instanceof Long) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof Float f) {
            g.writeNumber(f);
        } else if (v instanceof Double d) {
            g.writeNumber(d);
        } else if (v instanceof int[] a) {
            writeArray(g, Arrays.stream(a).boxed().toList());
        } else if (v instanceof float[] a) {
            Float[] boxed = new Float[a.length];
            for (int i = 0; i < a.length; i++) {
                boxed[i] = a[i];
            }
            writeArray(g, Arrays.asList(boxed));
        } else if (v instanceof Collection<?> c) {
            writeArray(g, c);
        } else if (v instanceof Map<?, ?> m) {
            Map<String, Object> sorted = new TreeMap<>();
            m.forEach((k, val) -> sorted.put(String.valueOf(k), val));
            writeObject(g, sorted);
        } else if (v instanceof Record r) {
            writeRecord(g, r);
        } else {
            throw new InternalException("canonical config: no canonical form for " + v.getClass().getName());
        }
    }

    private static void writeRecord(JsonGenerator g, Record r) throws IOException {
        Map<String, Object> fields = new TreeMap<>();
        if (r instanceof ReaderSpec) {
            fields.put("@type", r.getClass().getSimpleName());
        }
        RecordComponent[] components = r.getClass().getRecordComponents();
        Arrays.sort(components, Comparator.comparing(RecordComponent::getName));
        for (RecordComponent c : components) {
            try {
                fields.put(c.getName(), c.getAccessor().invoke(r));
            } catch (ReflectiveOperationException e) {
                throw new InternalException("canonical config: cannot read " + c.getName() + " of "
                        + r.getClass().getSimpleName(), e);
            }
        }
        writeObject(g, fields);
    }

    private static void writeObject(JsonGenerator g, Map<String, Object> sorted) throws IOException {
        g.writeStartObject();
        for (Map.Entry<String, Object> e : sorted.entrySet()) {
            g.writeFieldName(e.getKey());
            write(g, e.getValue());
        }
        g.writeEndObject();
    }

    private static void writeArray(JsonGenerator g, Collection<?> items) throws IOException {
        g.writeStartArray();
        for (Object item : items) {
            write(g, item);
        }
        g.writeEndArray();
    }
}
