package dev.sparkptq.cli;

import dev.sparkptq.config.ConfigLoader;
import dev.sparkptq.config.ConfigOverrides;
import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.TensorInfo;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.ModelIo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A configuration from just a model and a data source (POT's quick mode {@code -q}, and benchmarks): the reader is
 * inferred from the data — images resized to the model's input size and scaled to [0, 1] (no mean/std: a config
 * with the model's real preprocessing calibrates better), NPY, JSON arrays, or text with the tokenizer.json next to
 * the model.
 */
final class QuickConfig {
    private QuickConfig() {
    }

    /** The user's config when given (with the paths overridden), else an inferred one. */
    static PtqConfig config(Path config, Path model, Path data, Path tokenizer) {
        return config(config, model, data, tokenizer, "");
    }

    /** As {@link #config(Path, Path, Path, Path)}, with extra top-level JSON members (e.g. a compression block). */
    static PtqConfig config(Path config, Path model, Path data, Path tokenizer, String extraJson) {
        ConfigOverrides overrides = new ConfigOverrides(model, data, null, null);
        if (config != null) {
            return ConfigLoader.load(config, overrides);
        }
        if (model == null || data == null) {
            throw new ConfigException("without --config, give --model and --data-source");
        }
        return ConfigLoader.fromJson("{\"engine\": {\"reader\": " + reader(model, data, tokenizer) + "}"
                + (extraJson.isEmpty() ? "" : ", " + extraJson) + "}", Path.of("").toAbsolutePath(), overrides);
    }

    private static String reader(Path model, Path data, Path tokenizer) {
        String name = data.getFileName().toString().toLowerCase(Locale.ROOT);
        if (Files.isRegularFile(data)) {
            if (name.endsWith(".npy")) {
                return "{\"type\": \"npy\", \"batch_axis\": true}";
            }
            Path tok = tokenizer != null ? tokenizer : model.toAbsolutePath().resolveSibling("tokenizer.json");
            if (!Files.isRegularFile(tok)) {
                throw new ConfigException("text data needs a tokenizer: give --tokenizer FILE or put tokenizer.json "
                        + "next to the model");
            }
            return "{\"type\": \"text\", \"tokenizer\": \"" + json(tok.toAbsolutePath().toString()) + "\"}";
        }
        String kind = dominantExtension(data);
        return switch (kind) {
            case "npy" -> "{\"type\": \"npy\"}";
            case "json" -> "{\"type\": \"json\"}";
            case "jpg", "jpeg", "png" -> imageReader(model);
            default -> throw new ConfigException("cannot tell the data format of " + data
                    + "; give --config with an engine.reader");
        };
    }

    private static String imageReader(Path model) {
        TensorInfo input = ModelGraph.of(ModelIo.load(model)).inputs().get(0);
        long[] s = input.shape();
        boolean nhwc = s.length == 4 && s[3] == 3;
        long h = nhwc ? s[1] : s[2];
        long w = nhwc ? s[2] : s[3];
        if (h <= 0 || w <= 0) {
            throw new ConfigException("model input '" + input.name() + "' has a dynamic image size; give --config");
        }
        return "{\"type\": \"image\", \"resize\": [" + h + ", " + w + "], \"scale\": 255, \"layout\": \""
                + (nhwc ? "NHWC" : "NCHW") + "\"}";
    }

    private static String dominantExtension(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString().toLowerCase(Locale.ROOT))
                    .filter(n -> n.contains(".")).map(n -> n.substring(n.lastIndexOf('.') + 1))
                    .findFirst().orElse("");
        } catch (IOException e) {
            throw new ConfigException("cannot list " + dir + ": " + e.getMessage());
        }
    }

    private static String json(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
