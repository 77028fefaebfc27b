package dev.sparkptq.pipeline;

import dev.sparkptq.config.QuantizationParams;
import dev.sparkptq.graph.edit.GraphEdit;
import dev.sparkptq.graph.edit.GraphEdit.SetMetadata;
import dev.sparkptq.report.ToolVersion;

import java.util.List;

/** Provenance written into the output model's {@code metadata_props} (DESIGN convention 12). */
final class Provenance {
    static final String PREFIX = "spark_ptq.";

    private Provenance() {
    }

    static List<GraphEdit> metadata(String configSha, String fp32Sha, QuantizationParams params) {
        return List.of(
                new SetMetadata(PREFIX + "tool_version", ToolVersion.get()),
                new SetMetadata(PREFIX + "config_sha256", configSha),
                new SetMetadata(PREFIX + "fp32_model_sha256", fp32Sha),
                new SetMetadata(PREFIX + "seed", Long.toString(params.seed())),
                new SetMetadata(PREFIX + "preset", params.preset().name().toLowerCase()));
    }
}
