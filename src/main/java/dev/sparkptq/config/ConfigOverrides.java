package dev.sparkptq.config;

import dev.sparkptq.core.Location;

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
public record ConfigOverrides(Location model, Location dataSource, Location evalDataSource, Boolean compressWeights) {

    /** Overrides with local paths. */
    public ConfigOverrides(Path model, Path dataSource, Path evalDataSource, Boolean compressWeights) {
        this(local(model), local(dataSource), local(evalDataSource), compressWeights);
    }

    private static Location local(Path p) {
        return p == null ? null : Location.of(p);
    }

    /** No overrides. */
    public static ConfigOverrides none() {
        return new ConfigOverrides((Location) null, null, null, null);
    }
}
