package dev.sparkptq.config;

import dev.sparkptq.config.HistogramEstimatorSpec.Method;
import dev.sparkptq.config.RangeEstimatorSpec.Aggregator;
import dev.sparkptq.config.RangeEstimatorSpec.StatType;
import dev.sparkptq.config.RangeEstimatorSpec.StatisticSpec;
import dev.sparkptq.core.Granularity;
import dev.sparkptq.core.QuantScheme;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code "range_estimator": {"preset": "histogram", "histogram": {...}}}: resolution and every rejection. */
class HistogramConfigTest extends ConfigTestBase {
    private static final String PARAMS = "compression.algorithms[0].params.";
    private static final StatisticSpec EXACT_MIN = new StatisticSpec(StatType.MIN, Aggregator.MIN, null, null);
    private static final StatisticSpec EXACT_MAX = new StatisticSpec(StatType.MAX, Aggregator.MAX, null, null);

    private static String activations(String rangeEstimator) {
        return "\"activations\": {\"range_estimator\": " + rangeEstimator + "}";
    }

    @Test
    void thePresetAloneResolvesToMseWith2048BinsOverExactExtremes() {
        TensorQuantSpec a = fx.params(activations("{\"preset\": \"histogram\"}")).activations();
        assertEquals(new RangeEstimatorSpec(EXACT_MIN, EXACT_MAX,
                new HistogramEstimatorSpec(Method.MSE, 2048, 99.999)), a.rangeEstimator());
        assertEquals(Granularity.PER_TENSOR, a.granularity());
    }

    @Test
    void explicitFieldsAreKeptForEveryMethodAndMode() {
        TensorQuantSpec p = fx.params("\"preset\": \"mixed\", " + activations(
                "{\"preset\": \"histogram\", \"histogram\": {\"method\": \"percentile\", \"bins\": 128, "
                        + "\"percentile\": 99.9}}")).activations();
        assertEquals(QuantScheme.ASYMMETRIC, p.mode());
        assertEquals(new HistogramEstimatorSpec(Method.PERCENTILE, 128, 99.9), p.rangeEstimator().histogram());
        TensorQuantSpec kl = fx.params(activations("{\"preset\": \"histogram\", \"histogram\": {\"method\": \"kl\", "
                + "\"bins\": 8192}}")).activations();
        assertEquals(new HistogramEstimatorSpec(Method.KL, 8192, 99.999), kl.rangeEstimator().histogram());
        TensorQuantSpec kl4 = fx.params("\"activations\": {\"bits\": 4, \"range_estimator\": {\"preset\": "
                + "\"histogram\", \"histogram\": {\"method\": \"kl\", \"bins\": 128}}}").activations();
        assertEquals(128, kl4.rangeEstimator().histogram().bins(), "8 bins per level of 16 levels");
    }

    @Test
    void otherPresetsHaveNoHistogramAndTheConfigHashSeesTheBlock() {
        QuantizationParams plain = fx.params("");
        assertNull(plain.activations().rangeEstimator().histogram());
        assertNull(plain.weights().rangeEstimator().histogram());
        String a = fx.load(ConfigFixture.withParams(activations("{\"preset\": \"histogram\"}"))).sha256();
        String b = fx.load(ConfigFixture.withParams(activations(
                "{\"preset\": \"histogram\", \"histogram\": {\"method\": \"mse\", \"bins\": 2048}}"))).sha256();
        String c = fx.load(ConfigFixture.withParams(activations(
                "{\"preset\": \"histogram\", \"histogram\": {\"bins\": 4096}}"))).sha256();
        assertEquals(a, b, "spelled-out defaults hash like omitted ones");
        assertNotEquals(a, c);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "{\"preset\": \"histogram\", \"histogram\": {\"bins\": 64}}"
                    + "| activations.range_estimator.histogram.bins: must be",
            "{\"preset\": \"histogram\", \"histogram\": {\"bins\": 70000}}"
                    + "| activations.range_estimator.histogram.bins: must be",
            "{\"preset\": \"histogram\", \"histogram\": {\"method\": \"percentile\", \"percentile\": 50}}"
                    + "| activations.range_estimator.histogram.percentile: must be in (50, 100], got 50.0",
            "{\"preset\": \"histogram\", \"histogram\": {\"method\": \"percentile\", \"percentile\": 100.5}}"
                    + "| activations.range_estimator.histogram.percentile: must be in (50, 100], got 100.5",
            "{\"preset\": \"histogram\", \"histogram\": {\"percentile\": 99.9}}"
                    + "| activations.range_estimator.histogram.percentile: only applies to method percentile, not to "
                    + "mse; remove it",
            "{\"preset\": \"histogram\", \"histogram\": {\"method\": \"kl\", \"bins\": 1024}}"
                    + "| activations.range_estimator.histogram.bins: method kl needs at least 2048 bins (8 per level, "
                    + "256 levels), got 1024",
            "{\"preset\": \"histogram\", \"histogram\": {\"method\": \"entropy\"}}"
                    + "| activations.range_estimator.histogram.method: 'entropy' is not a valid value (valid: mse, kl,"
                    + " percentile)",
            "{\"preset\": \"histogram\", \"histogram\": {\"method\": \"mse\", \"bns\": 10}}"
                    + "| activations.range_estimator.histogram.bns: unknown key — did you mean 'bins'?",
            "{\"preset\": \"histogram\", \"max\": {\"type\": \"max\"}}"
                    + "| activations.range_estimator.max: preset histogram estimates both ends from the histogram",
            "{\"histogram\": {\"method\": \"mse\"}}"
                    + "| activations.range_estimator.histogram: only applies with \"preset\": \"histogram\"",
            "{\"preset\": \"histgram\"}"
                    + "| activations.range_estimator.preset: 'histgram' is not a valid value (valid: default, quantile,"
                    + " histogram) — did you mean 'histogram'?",
    })
    void badHistogramBlocksAreRejectedWithTheirPath(String rangeEstimator, String expected) {
        String message = fx.problems(ConfigFixture.withParams(activations(rangeEstimator)));
        assertTrue(message.contains(PARAMS + expected), message);
        assertTrue(message.contains(": 1 problem: "), message);
    }

    @Test
    void weightsPerChannelActivationsAndSixteenBitKlAreRefused() {
        String weights = fx.problems(ConfigFixture.withParams(
                "\"weights\": {\"range_estimator\": {\"preset\": \"histogram\"}}"));
        assertTrue(weights.contains(PARAMS + "weights.range_estimator.preset: 'histogram' applies to activations "
                + "only"), weights);
        String perChannel = fx.problems(ConfigFixture.withParams("\"activations\": {\"granularity\": \"perchannel\", "
                + "\"range_estimator\": {\"preset\": \"histogram\"}}"));
        assertTrue(perChannel.contains(PARAMS + "activations.range_estimator.preset: 'histogram' ranges are per "
                + "tensor; set activations.granularity to pertensor"), perChannel);
        String wide = fx.problems(ConfigFixture.withParams("\"activations\": {\"bits\": 16, \"range_estimator\": "
                + "{\"preset\": \"histogram\", \"histogram\": {\"method\": \"kl\", \"bins\": 65536}}}"));
        assertTrue(wide.contains(PARAMS + "activations.range_estimator.histogram.method: kl needs 8 bins per level, "
                + "524288 for 65536 levels"), wide);
    }
}
