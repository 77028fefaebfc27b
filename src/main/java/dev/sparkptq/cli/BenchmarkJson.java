package dev.sparkptq.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkptq.core.InternalException;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** The JSON every {@code benchmark} command prints: built as a tree, printed, and copied to {@code --output}. */
final class BenchmarkJson {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private BenchmarkJson() {
    }

    /** An empty result whose {@code benchmark} field names the command. */
    static ObjectNode root(String benchmark) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("benchmark", benchmark);
        return root;
    }

    static String format(ObjectNode root) {
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new InternalException("cannot format the benchmark result", e);
        }
    }

    /** Prints {@code json} and, when {@code file} is given, writes it there too. */
    static void emit(String json, PrintStream out, String file) {
        out.print(json);
        if (file == null) {
            return;
        }
        try {
            Files.writeString(Path.of(file), json);
        } catch (IOException e) {
            throw new InternalException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** JSON has no infinity: an SQNR of an exact output (no error) is written as null. */
    static Double finiteOrNull(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
