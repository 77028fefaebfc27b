package dev.sparkptq.cli;

import dev.sparkptq.config.ConfigLoader;
import dev.sparkptq.config.ConfigOverrides;
import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.DataException;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.ModelIo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A configuration from just a model and a data source (POT's quick mode {@code -q}, and benchmarks): the reader is
 * inferred from the data and the model's inputs ({@link QuickReader}: images laid out and sized for the input and
 * scaled to [0, 1] — no mean/std, so a config with the model's real preprocessing calibrates better — NPY per
 * input, JSON arrays), or text with the tokenizer.json next to the model.
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
        return config(config, new ConfigOverrides(model, data, null, null), tokenizer, extraJson);
    }

    /**
     * The user's config when given, else one inferred from the overrides' model and data (and evaluation data, read
     * with the same reader), with {@code extraJson}'s top-level members.
     */
    static PtqConfig config(Path config, ConfigOverrides overrides, Path tokenizer, String extraJson) {
        if (config != null) {
            return ConfigLoader.load(config, overrides);
        }
        Path model = overrides.model() == null ? null : overrides.model().path();
        Path data = overrides.dataSource() == null ? null : overrides.dataSource().path();
        if (model == null || data == null) {
            throw new ConfigException("without --config, give --model and --data-source");
        }
        return ConfigLoader.fromJson("{\"engine\": {\"reader\": " + reader(model, data, tokenizer) + "}"
                + (extraJson.isEmpty() ? "" : ", " + extraJson) + "}", Path.of("").toAbsolutePath(), overrides);
    }

    private static String reader(Path model, Path data, Path tokenizer) {
        String name = data.getFileName().toString().toLowerCase(Locale.ROOT);
        if (Files.isRegularFile(data) && !name.endsWith(".npy")) {
            Path tok = tokenizer != null ? tokenizer : model.toAbsolutePath().resolveSibling("tokenizer.json");
            if (!Files.isRegularFile(tok)) {
                throw new ConfigException("text data needs a tokenizer: give --tokenizer FILE or put tokenizer.json "
                        + "next to the model");
            }
            return "{\"type\": \"text\", \"tokenizer\": \"" + QuickReader.json(tok.toAbsolutePath().toString())
                    + "\"}";
        }
        if (!Files.exists(data)) {
            throw new DataException("data source " + data + " does not exist; point --data-source at a folder of "
                    + "images, .npy or .json files");
        }
        return QuickReader.infer(ModelGraph.of(ModelIo.load(model)).inputs(), data);
    }
}
