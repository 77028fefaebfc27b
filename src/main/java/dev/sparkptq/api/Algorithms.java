package dev.sparkptq.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkptq.config.AlgorithmSpec;
import dev.sparkptq.config.CompressionSection.ModelType;
import dev.sparkptq.config.CompressionSection.TargetDevice;
import dev.sparkptq.config.QuantizationParams.Preset;
import dev.sparkptq.core.ConfigException;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builders for the quantization algorithms, e.g.
 * {@code Algorithms.defaultQuantization().preset(Preset.MIXED).statSubsetSize(300).build()}.
 *
 * <p>A builder writes the same JSON a config file would hold and {@link Builder#build()} binds it with the config
 * loader, so defaults, validation and error messages are those of config files (see the README's config
 * reference): a setter never guesses, and anything a config file can say, {@link Builder#param} can say too.
 */
public final class Algorithms {
    static final JsonMapper MAPPER = JsonMapper.builder().build();

    private Algorithms() {
    }

    /** POT's DefaultQuantization: MinMax ranges, then fast bias correction. */
    public static Builder defaultQuantization() {
        return new Builder(AlgorithmSpec.Name.DefaultQuantization);
    }

    /** POT's MinMaxQuantization: MinMax ranges only. */
    public static Builder minMaxQuantization() {
        return new Builder(AlgorithmSpec.Name.MinMaxQuantization);
    }

    /** Immutable: every setter returns a new builder. Unset keys keep the config defaults. */
    public static final class Builder {
        private final ObjectNode compression;

        private Builder(AlgorithmSpec.Name name) {
            compression = MAPPER.createObjectNode();
            ObjectNode entry = compression.putArray("algorithms").addObject();
            entry.put("name", name.name());
            entry.putObject("params");
        }

        private Builder(ObjectNode compression) {
            this.compression = compression;
        }

        /** {@code params.preset}: performance (symmetric) or mixed (asymmetric activations). */
        public Builder preset(Preset preset) {
            return param("preset", preset.name().toLowerCase(Locale.ROOT));
        }

        /** {@code params.stat_subset_size}: calibration items to use (default all). */
        public Builder statSubsetSize(int items) {
            return param("stat_subset_size", items);
        }

        /** {@code params.stat_batch_size}: items per inference during calibration. */
        public Builder statBatchSize(int items) {
            return param("stat_batch_size", items);
        }

        /** {@code params.shuffle_data}: draw the subset at random (seeded) instead of taking the first items. */
        public Builder shuffleData(boolean shuffle) {
            return param("shuffle_data", shuffle);
        }

        /** {@code params.seed}: seed of the subset draw. */
        public Builder seed(long seed) {
            return param("seed", seed);
        }

        /** {@code params.ignored.scope}: node names left in float. */
        public Builder ignoredScope(String... nodeNames) {
            return param("ignored.scope", List.of(nodeNames));
        }

        /** {@code params.ignored.operations}: op types left in float. */
        public Builder ignoredOperations(String... opTypes) {
            return param("ignored.operations", List.of(opTypes).stream().map(t -> Map.of("type", t)).toList());
        }

        /** {@code params.compress_weights}: int8 weight initializers (true, default) or float weights + Q/DQ. */
        public Builder compressWeights(boolean compress) {
            return param("compress_weights", compress);
        }

        /** {@code compression.model_type}. */
        public Builder modelType(ModelType type) {
            Builder b = copy();
            if (type == ModelType.DEFAULT) {
                b.compression.remove("model_type");
            } else {
                b.compression.put("model_type", type.name().toLowerCase(Locale.ROOT));
            }
            return b;
        }

        /** {@code compression.target_device}. */
        public Builder targetDevice(TargetDevice device) {
            Builder b = copy();
            b.compression.put("target_device", device.name());
            return b;
        }

        /**
         * Any key of {@code params}, by its dotted path below params, e.g.
         * {@code param("activations.range_estimator.preset", "quantile")}; the value is a String, Number, Boolean,
         * List or Map, written as the JSON a config file would hold. Checked by {@link #build()}.
         */
        public Builder param(String dottedPath, Object value) {
            Builder b = copy();
            ObjectNode at = (ObjectNode) b.compression.get("algorithms").get(0).get("params");
            String[] keys = dottedPath.split("\\.");
            for (int i = 0; i < keys.length - 1; i++) {
                JsonNode next = at.get(keys[i]);
                at = next instanceof ObjectNode o ? o : at.putObject(keys[i]);
            }
            at.set(keys[keys.length - 1], MAPPER.valueToTree(value));
            return b;
        }

        /**
         * Validates and resolves the settings.
         *
         * @throws ConfigException naming every wrong key or value, as for a config file
         */
        public Algorithm build() {
            return new Algorithm(compression);
        }

        private Builder copy() {
            return new Builder(compression.deepCopy());
        }
    }
}
