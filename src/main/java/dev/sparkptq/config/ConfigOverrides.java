package dev.sparkptq.config;

import java.nio.file.Path;

/**
 * Command-line values that replace the configuration's. {@code null} keeps the config's value. Relative paths here
 * are taken relative to the current directory (where the user typed them), unlike paths inside the config file,
 * which are relative to the config file's folder.
 *
 * @param model           replaces {@code model.model}
 * @param dataSource      replaces {@code engine.data_source}
 * @param evalDataSource  replaces {@code engine.eval_data_source}
 * @param compressWeights replaces {@code compress_weights} of every algorithm
 */
public record ConfigOverrides(Path model, Path dataSource, Path evalDataSource, Boolean compressWeights) {

    /** No overrides. */
    public static ConfigOverrides none() {
        return new ConfigOverrides(null, null, null, null);
    }
}
