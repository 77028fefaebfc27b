package dev.sparkptq.config;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** POT's use_fast_bias / threshold / apply_for_all_nodes, as DefaultQuantization params. */
class BiasCorrectionConfigTest extends ConfigTestBase {
    @Test
    void defaultsAreFastWithThresholdTwoAndThresholdApplied() {
        assertEquals(new BiasCorrectionSpec(BiasCorrectionSpec.Mode.FAST, 2.0, false),
                fx.params("").biasCorrection());
    }

    @Test
    void explicitKnobsAreBound() {
        assertEquals(new BiasCorrectionSpec(BiasCorrectionSpec.Mode.FAST, 0.5, true),
                fx.params("\"use_fast_bias\": true, \"threshold\": 0.5, \"apply_for_all_nodes\": true")
                        .biasCorrection());
    }

    @Test
    void useFastBiasFalseSelectsFullCorrectionWithThresholdThousand() {
        BiasCorrectionSpec spec = fx.params("\"use_fast_bias\": false").biasCorrection();
        assertEquals(BiasCorrectionSpec.Mode.FULL, spec.mode());
        assertEquals(1000.0, spec.threshold());
        assertEquals(true, spec.enabled());
    }

    @Test
    void anExplicitThresholdWinsOverTheFullDefault() {
        assertEquals(3.0, fx.params("\"use_fast_bias\": false, \"threshold\": 3").biasCorrection().threshold());
    }
}
