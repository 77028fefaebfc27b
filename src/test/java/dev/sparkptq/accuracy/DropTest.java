package dev.sparkptq.accuracy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DropTest {
    @ParameterizedTest(name = "fp32 {0}, quantized {1}, higherBetter {2} -> {3}")
    @CsvSource({
            "0.90, 0.85, true,  0.05",    // accuracy fell: positive drop
            "0.90, 0.92, true,  -0.02",   // accuracy rose: negative drop
            "0.10, 0.15, false, 0.05",    // error rate rose: positive drop
            "0.10, 0.08, false, -0.02",
            "0.50, 0.50, true,  0.0",
    })
    void dropIsPositiveWhenTheQuantizedModelIsWorse(double fp32, double quantized, boolean higherBetter,
                                                    double expected) {
        assertEquals(expected, Drop.absolute(fp32, quantized, higherBetter), 1e-12);
    }

    @Test
    void dropOfAMetricReadsBothEvaluations() {
        Metric acc = new TopKAccuracy("top1", "logits", 1);
        MetricValues fp32 = new MetricValues(Map.of("top1", 0.76));
        MetricValues int8 = new MetricValues(Map.of("top1", 0.75));
        assertEquals(0.01, Drop.absolute(acc, fp32, int8), 1e-12);
    }
}
