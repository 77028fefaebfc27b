package dev.sparkptq.config;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** NNCF's smooth_quant_alphas as DefaultQuantization/MinMaxQuantization params. */
class SmoothQuantConfigTest extends ConfigTestBase {
    private QuantizationParams transformer(String params) {
        String json = ConfigFixture.config("", "\"model_type\": \"transformer\", \"algorithms\": [ { \"name\": "
                + "\"DefaultQuantization\", \"params\": { " + params + " } } ]");
        return fx.load(json).compression().algorithms().get(0).params();
    }

    @Test
    void offByDefaultOutsideTransformers() {
        assertFalse(fx.params("").smoothQuant().enabled());
    }

    @Test
    void transformersDefaultToNncfsMatMulAlpha() {
        assertEquals(new SmoothQuantSpec(0.95, -1), transformer("").smoothQuant());
    }

    @Test
    void explicitAlphaIsBoundAndNegativeSwitchesOff() {
        assertEquals(0.5, transformer("\"smooth_quant_alphas\": {\"matmul\": 0.5}").smoothQuant().matmul());
        assertFalse(transformer("\"smooth_quant_alphas\": {\"matmul\": -1}").smoothQuant().enabled());
        assertEquals(0.3, fx.params("\"smooth_quant_alphas\": {\"matmul\": 0.3}").smoothQuant().matmul(),
                "an explicit alpha also applies outside transformers");
    }

    @Test
    void alphaAboveOneIsRejectedWithTheRange() {
        String msg = fx.problems(ConfigFixture.withParams("\"smooth_quant_alphas\": {\"matmul\": 1.5}"));
        assertTrue(msg.contains("smooth_quant_alphas.matmul") && msg.contains("[0, 1]"), msg);
    }

    @Test
    void convolutionSmoothingIsRejectedAsNotImplemented() {
        String msg = fx.problems(ConfigFixture.withParams("\"smooth_quant_alphas\": {\"convolution\": 0.5}"));
        assertTrue(msg.contains("convolution") && msg.contains("-1"), msg);
    }

    @Test
    void deprecatedSingleAlphaPointsToTheNewKey() {
        String msg = fx.problems(ConfigFixture.withParams("\"smooth_quant_alpha\": 0.5"));
        assertTrue(msg.contains("smooth_quant_alphas"), msg);
    }

    @Test
    void activationMatMulsAreFloatForTransformersAndQuantizedOtherwise() {
        assertEquals(QuantizationParams.ActivationMatMuls.FLOAT, transformer("").activationMatMuls());
        assertEquals(QuantizationParams.ActivationMatMuls.QUANTIZED, fx.params("").activationMatMuls());
        assertEquals(QuantizationParams.ActivationMatMuls.QUANTIZED,
                transformer("\"activation_matmuls\": \"quantized\"").activationMatMuls());
    }
}
