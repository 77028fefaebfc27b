package dev.sparkptq.config;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** saturation_fix / overflow_fix and activation_channel_alignment as DefaultQuantization params. */
class ModelAdjustmentConfigTest extends ConfigTestBase {
    @Test
    void defaultsAreFirstLayerOnlyAndAlignmentOn() {
        assertEquals(ModelAdjustmentSpec.defaults(), fx.params("").adjustments());
        assertEquals(OverflowFix.FIRST_LAYER_ONLY, ModelAdjustmentSpec.defaults().overflowFix());
    }

    @Test
    void nncfAndPotValuesBothBind() {
        assertEquals(OverflowFix.ENABLE, fx.params("\"saturation_fix\": \"enable\"").adjustments().overflowFix());
        assertEquals(OverflowFix.ENABLE, fx.params("\"saturation_fix\": \"all\"").adjustments().overflowFix());
        assertEquals(OverflowFix.DISABLE, fx.params("\"overflow_fix\": \"disable\"").adjustments().overflowFix());
        assertEquals(OverflowFix.DISABLE, fx.params("\"saturation_fix\": \"no\"").adjustments().overflowFix());
        assertEquals(OverflowFix.FIRST_LAYER_ONLY,
                fx.params("\"saturation_fix\": \"first_layer\"").adjustments().overflowFix());
    }

    @Test
    void alignmentCanBeTurnedOff() {
        assertEquals(ChannelAlignment.OFF,
                fx.params("\"activation_channel_alignment\": false").adjustments().channelAlignment());
    }

    @Test
    void bothKeysAtOnceAndUnknownValuesAreRejected() {
        String both = fx.problems(ConfigFixture.withParams("\"saturation_fix\": \"all\", \"overflow_fix\": \"all\""));
        assertTrue(both.contains("not both"), both);
        String bad = fx.problems(ConfigFixture.withParams("\"saturation_fix\": \"sometimes\""));
        assertTrue(bad.contains("saturation_fix") && bad.contains("first_layer_only"), bad);
    }
}
