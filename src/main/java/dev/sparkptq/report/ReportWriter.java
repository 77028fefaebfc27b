package dev.sparkptq.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import dev.sparkptq.core.InternalException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Serializes reports (and any config record tree) to deterministic, pretty JSON. */
public final class ReportWriter {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .registerModule(new SimpleModule().addSerializer(Path.class, ToStringSerializer.instance));

    private ReportWriter() {
    }

    public static byte[] toJson(RunReport report) {
        try {
            return (MAPPER.writeValueAsString(report) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new InternalException("cannot serialize the report: " + e.getOriginalMessage(), e);
        }
    }

    /** Any record tree (e.g. the resolved configuration) as a JSON tree for embedding in the report. */
    public static JsonNode tree(Object value) {
        return MAPPER.valueToTree(value);
    }

    /** Parses report.json back into a tree (tests, tools). */
    public static JsonNode read(byte[] json) {
        try {
            return MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            throw new InternalException("cannot parse report.json: " + e.getMessage(), e);
        }
    }
}
