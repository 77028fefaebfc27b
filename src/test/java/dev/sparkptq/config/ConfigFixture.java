package dev.sparkptq.config;

import dev.sparkptq.core.ConfigException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A folder holding every file a config can name, and helpers that build configs around it. */
final class ConfigFixture {
    final Path dir;

    ConfigFixture(Path dir) {
        this.dir = dir;
        try {
            Files.writeString(dir.resolve("model.onnx"), "not really a model");
            Files.createDirectories(dir.resolve("data"));
            Files.createDirectories(dir.resolve("eval"));
            Files.writeString(dir.resolve("tokenizer.json"), "{}");
            Files.writeString(dir.resolve("wnids.txt"), "n0\nn1\n");
            Files.writeString(dir.resolve("labels.npy"), "x");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A config with the given engine members (after data_source) and compression section body. */
    static String config(String engineExtra, String compression) {
        return """
                {
                  "model": { "model": "model.onnx" },
                  "engine": { "data_source": "data" %s },
                  "compression": { %s }
                }
                """.formatted(engineExtra.isEmpty() ? "" : ", " + engineExtra, compression);
    }

    /** A config with one DefaultQuantization whose params body is {@code params}. */
    static String withParams(String params) {
        return config("", "\"algorithms\": [ { \"name\": \"DefaultQuantization\", \"params\": { " + params + " } } ]");
    }

    /** A config with the given engine members and no compression section content. */
    static String withEngine(String engineExtra) {
        return config(engineExtra, "");
    }

    PtqConfig load(String json) {
        return ConfigLoader.fromJson(json, dir, ConfigOverrides.none());
    }

    PtqConfig load(String json, ConfigOverrides overrides) {
        return ConfigLoader.fromJson(json, dir, overrides);
    }

    QuantizationParams params(String paramsBody) {
        return load(withParams(paramsBody)).compression().algorithms().get(0).params();
    }

    /** The one-line message of the ConfigException loading {@code json} throws. */
    String problems(String json) {
        return problems(json, ConfigOverrides.none());
    }

    String problems(String json, ConfigOverrides overrides) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(json, overrides));
        assertFalse(e.getMessage().contains("\n"), "message must be one line: " + e.getMessage());
        return e.getMessage();
    }
}
