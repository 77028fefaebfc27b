package dev.sparkptq.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkptq.config.AlgorithmSpec;
import dev.sparkptq.config.ConfigLoader;
import dev.sparkptq.config.ConfigOverrides;
import dev.sparkptq.config.FileChecks;
import dev.sparkptq.config.PtqConfig;

import java.nio.file.Path;

/**
 * One configured, validated algorithm, made by {@link Algorithms}: the JSON entry a config file would hold
 * ({@code {"name": …, "params": {…}}} plus the compression section's {@code target_device} and
 * {@code model_type}) and the record it resolves to. Immutable.
 */
public final class Algorithm {
    private final ObjectNode compression;
    private final AlgorithmSpec spec;

    Algorithm(ObjectNode compression) {
        this.compression = compression.deepCopy();
        this.spec = resolve(Path.of("model.onnx").toAbsolutePath(), Path.of("data").toAbsolutePath(), 1)
                .compression().algorithms().get(0);
    }

    /** The resolved algorithm: exactly what the JSON loader produces for {@link #toJson()}'s entry. */
    public AlgorithmSpec spec() {
        return spec;
    }

    /** The config's {@code compression} section for this algorithm, as JSON (paste it into a config file). */
    public String toJson() {
        return compression.toPrettyString();
    }

    /**
     * A whole config around this algorithm (validated by the same loader as config files, named files not checked):
     * what a {@link Pipeline} runs.
     */
    PtqConfig resolve(Path model, Path dataSource, int partitions) {
        return resolve(model, dataSource, partitions, true);
    }

    PtqConfig resolve(Path model, Path dataSource, int partitions, boolean speedGuard) {
        ObjectNode root = Algorithms.MAPPER.createObjectNode();
        root.putObject("model").put("model", model.toString());
        root.putObject("engine").put("data_source", dataSource.toString()).put("num_partitions", partitions)
                .put("speed_guard", speedGuard);
        root.set("compression", compression.deepCopy());
        return ConfigLoader.fromJson(root.toString(), model.getParent(), ConfigOverrides.none(), FileChecks.SKIP);
    }

    /**
     * {@link #resolve} for a run on a model staged in a scratch folder, with a {@code config_sha256} that does not
     * depend on that folder: it hashes the canonical config of the same algorithm and engine settings with the model
     * named by its SHA-256 and the data by a fixed label. Two API runs of the same algorithm on the same model and
     * partitions hash alike; a changed parameter, model or partition count changes the hash.
     */
    PtqConfig resolveForRun(Path model, String modelSha256, Path dataSource, int partitions, boolean speedGuard) {
        PtqConfig run = resolve(model, dataSource, partitions, speedGuard);
        Path root = Path.of("/java-api");
        PtqConfig named = resolve(root.resolve("model-" + modelSha256 + ".onnx"), root.resolve("data"), partitions,
                speedGuard);
        return new PtqConfig(run.model(), run.engine(), run.compression(), named.sha256());
    }

    @Override
    public String toString() {
        return "Algorithm" + compression;
    }
}
