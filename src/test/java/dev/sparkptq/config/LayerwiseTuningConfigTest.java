package dev.sparkptq.config;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** POT's use_layerwise_tuning and its parameters as DefaultQuantization params. */
class LayerwiseTuningConfigTest extends ConfigTestBase {
    @Test
    void offByDefaultWithPotsSampleCountAndSeed() {
        LayerwiseTuningSpec spec = fx.params("").layerwiseTuning();
        assertFalse(spec.enabled());
        assertEquals(5000, spec.numSamples());
        assertEquals(0, spec.randomSeed());
        assertEquals(LayerwiseTuningSpec.Inputs.FP32, spec.inputs(), "chosen by measurement (BENCHMARKS-style note)");
        assertEquals(List.of(), spec.ignoredKnobs());
    }

    @Test
    void potKeysAreBound() {
        LayerwiseTuningSpec spec = fx.params("\"use_layerwise_tuning\": true, \"num_samples_for_tuning\": 40, "
                + "\"random_seed\": 3, \"use_only_fp_inputs\": false").layerwiseTuning();
        assertTrue(spec.enabled());
        assertEquals(40, spec.numSamples());
        assertEquals(3, spec.randomSeed());
        assertEquals(LayerwiseTuningSpec.Inputs.QUANTIZED, spec.inputs());
    }

    @Test
    void gradientDescentKnobsAreAcceptedAndRemembered() {
        LayerwiseTuningSpec spec = fx.params("\"use_layerwise_tuning\": true, \"optimizer\": \"Adam\", "
                + "\"tuning_iterations\": 30, \"weight_decay\": 0, \"batch_size\": 25").layerwiseTuning();
        assertEquals(List.of("batch_size", "optimizer", "tuning_iterations", "weight_decay"), spec.ignoredKnobs());
    }

    @Test
    void zeroSamplesIsRejectedWithTheRange() {
        String msg = fx.problems(ConfigFixture.withParams("\"num_samples_for_tuning\": 0"));
        assertTrue(msg.contains("num_samples_for_tuning"), msg);
    }

    @Test
    void accuracyAwareQuantizationAcceptsTheKeysForItsBaseAlgorithm() {
        String json = ConfigFixture.config("", "\"algorithms\": [ { \"name\": \"AccuracyAwareQuantization\", "
                + "\"params\": { \"use_layerwise_tuning\": true } } ]");
        assertTrue(fx.load(json).compression().algorithms().get(0).params().layerwiseTuning().enabled());
    }
}
