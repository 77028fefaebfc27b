package dev.sparkptq.api;

import dev.sparkptq.config.QuantizationParams.Preset;
import dev.sparkptq.graph.TinyModels;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An API run's config_sha256 hashes its settings and model, not the scratch folder the run staged them in. */
class ApiConfigShaTest {
    private static final OnnxModel TINY = OnnxModel.of(TinyModels.convReluConv(), "tiny");
    private static final Engine ENGINE = Engine.local().withDataLoader(new ReadmeExample.RandomImages(12, 3))
            .withPartitions(2);

    @Test
    void twoIdenticalRunsRecordTheSameConfigHash() {
        Algorithm algorithm = Algorithms.minMaxQuantization().preset(Preset.MIXED).build();
        String first = configSha(quantize(algorithm, ENGINE, TINY));
        String second = configSha(quantize(Algorithms.minMaxQuantization().preset(Preset.MIXED).build(), ENGINE,
                TINY));
        assertTrue(first.matches("[0-9a-f]{64}"), first);
        assertEquals(first, second);
    }

    @Test
    void aChangedParameterModelOrPartitioningChangesTheConfigHash() {
        Algorithm base = Algorithms.minMaxQuantization().build();
        String sha = configSha(quantize(base, ENGINE, TINY));
        assertNotEquals(sha, configSha(quantize(Algorithms.minMaxQuantization().preset(Preset.MIXED).build(),
                ENGINE, TINY)));
        assertNotEquals(sha, configSha(quantize(Algorithms.minMaxQuantization().statSubsetSize(5).build(), ENGINE,
                TINY)));
        assertNotEquals(sha, configSha(quantize(base, ENGINE.withPartitions(3), TINY)));
        OnnxModel otherWeights = OnnxModel.of(TINY.proto().toBuilder().setProducerVersion("2").build(), "tiny");
        assertNotEquals(sha, configSha(quantize(base, ENGINE, otherWeights)));
    }

    private static OnnxModel quantize(Algorithm algorithm, Engine engine, OnnxModel model) {
        return Pipeline.create(List.of(algorithm), engine).withLog(line -> { }).run(model);
    }

    private static String configSha(OnnxModel model) {
        return model.proto().getMetadataPropsList().stream().filter(p -> p.getKey().equals("spark_ptq.config_sha256"))
                .findFirst().orElseThrow().getValue();
    }
}
