package dev.sparkptq.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.Location;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Loads a spark-ptq configuration (POT-shaped JSON; {@code //} and {@code /* *}{@code /} comments and trailing
 * commas allowed) into a fully resolved {@link PtqConfig}.
 *
 * <p>Binding is done by hand over Jackson's tree model rather than by data binding, so that one pass can report
 * every problem (unknown keys with the closest valid key, wrong types, bad values, contradictions, missing keys,
 * missing files) with its JSON path, thrown together as one {@link ConfigException} on one line:
 * {@code config <file>: N problems: <path>: <what>; <path>: ...}. Nothing is returned unless the whole config is
 * valid, so downstream code never sees a half-checked config.
 *
 * <p>Paths in the file are relative to the file's folder; paths in {@link ConfigOverrides} are relative to the
 * current directory. Files are checked after overrides are applied.
 */
public final class ConfigLoader {
    private static final KeySpec ROOT_KEYS = KeySpec.of("model", "engine", "compression");
    private static final String INLINE = "<inline JSON>";

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS, JsonReadFeature.ALLOW_TRAILING_COMMA)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** The root object's keys, for the README's config reference. */
    static final ConfigKeys.Section DOCS = ConfigKeys.section("", ROOT_KEYS)
            .key("model", "object", "required", "the model to quantize")
            .key("engine", "object", "required", "calibration and evaluation data, reader and metrics")
            .key("compression", "object", "one DefaultQuantization with default params",
                    "target device, model type and the quantization algorithm");

    private ConfigLoader() {
    }

    /** Loads {@code configFile} and checks that every file it names exists. */
    public static PtqConfig load(Path configFile, ConfigOverrides overrides) {
        return load(configFile, overrides, FileChecks.CHECK);
    }

    /** Loads {@code configFile}; {@code checks} says whether named files must exist. */
    public static PtqConfig load(Path configFile, ConfigOverrides overrides, FileChecks checks) {
        Path file = configFile.toAbsolutePath().normalize();
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        return bind(text, Location.of(file.getParent()), overrides, checks, file.toString());
    }

    /**
     * Loads config text read from {@code configFile} (a local path or a URI): relative paths in it resolve against
     * that file's folder, on its file system.
     */
    public static PtqConfig fromText(String text, Location configFile, ConfigOverrides overrides, FileChecks checks) {
        return bind(text, configFile.parent(), overrides, checks, configFile.toString());
    }

    /** Loads JSON text whose relative paths start at {@code baseDir}, checking that named files exist. */
    public static PtqConfig fromJson(String json, Path baseDir, ConfigOverrides overrides) {
        return fromJson(json, baseDir, overrides, FileChecks.CHECK);
    }

    /** Loads JSON text whose relative paths start at {@code baseDir}. */
    public static PtqConfig fromJson(String json, Path baseDir, ConfigOverrides overrides, FileChecks checks) {
        return bind(json, Location.of(baseDir), overrides, checks, INLINE);
    }

    private static PtqConfig bind(String text, Location baseDir, ConfigOverrides overrides, FileChecks checks,
                                  String source) {
        JsonNode tree = parse(text, source);
        Problems problems = new Problems();
        BindContext ctx = new BindContext(baseDir, overrides, problems);
        Optional<ObjectView> root = ObjectView.open(tree, "", problems, ROOT_KEYS);
        problems.throwIfAny(source);
        ModelSection model = EngineBinder.bindModel(root.orElseThrow(), ctx);
        EngineSection engine = EngineBinder.bindEngine(root.get(), ctx);
        CompressionSection compression = CompressionBinder.bind(root.get(), ctx);
        engine = MetricsBinder.accuracyAwareDefault(tree.path("engine").has("metrics"), engine, compression);
        if (checks == FileChecks.CHECK) {
            ctx.checkFiles();
        }
        problems.throwIfAny(source);
        return new PtqConfig(model, engine, compression, CanonicalConfig.sha256(model, engine, compression));
    }

    private static JsonNode parse(String text, String source) {
        try {
            JsonNode tree = MAPPER.readTree(text);
            if (tree == null || tree.isMissingNode()) {
                throw new ConfigException(Problems.message(source, List.of("(root): the document is empty, "
                        + "expected a JSON object with model, engine and compression")));
            }
            return tree;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "(root)" : "line " + at.getLineNr() + ", column " + at.getColumnNr();
            String what = e.getOriginalMessage().replaceAll("\\s+", " ").trim();
            throw new ConfigException(Problems.message(source, List.of(where + ": invalid JSON: " + what)), e);
        }
    }
}
