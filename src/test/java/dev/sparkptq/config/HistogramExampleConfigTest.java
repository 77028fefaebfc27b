package dev.sparkptq.config;

import dev.sparkptq.config.HistogramEstimatorSpec.Method;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** conf/examples/squeezenet-histogram.json loads with its files and differs from its source only in the estimator. */
class HistogramExampleConfigTest {
    private static final Path EXAMPLES = Path.of("conf/examples");

    private static QuantizationParams params(String name) {
        return ConfigLoader.load(EXAMPLES.resolve(name), ConfigOverrides.none(), FileChecks.CHECK).compression()
                .algorithms().get(0).params();
    }

    @Test
    void squeezenetHistogramExampleLoadsWithTheMsePreset() {
        QuantizationParams histogram = params("squeezenet-histogram.json");
        QuantizationParams minMax = params("squeezenet-imagenet.json");
        assertEquals(new HistogramEstimatorSpec(Method.MSE, 2048, 99.999),
                histogram.activations().rangeEstimator().histogram());
        assertNull(minMax.activations().rangeEstimator().histogram());
        assertEquals(minMax.weights(), histogram.weights());
        assertEquals(minMax.statSubsetSize(), histogram.statSubsetSize());
        assertEquals(minMax.preset(), histogram.preset());
        assertEquals(minMax.activations().bits(), histogram.activations().bits());
        assertEquals(minMax.activations().mode(), histogram.activations().mode());
    }
}
