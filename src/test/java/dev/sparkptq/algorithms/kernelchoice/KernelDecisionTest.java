package dev.sparkptq.algorithms.kernelchoice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The kernel rule on numbers alone: speed decides among admissible kernels, accuracy decides admissibility. */
class KernelDecisionTest {
    private static final KernelDecision RULE = KernelDecision.DEFAULT;

    /** One op; errors as SQNR in dB (converted to the relative squared error the measurement holds). */
    private static KernelMeasurement m(double staticMs, double dynamicMs, double floatMs, double staticDb,
                                       double dynamicDb) {
        Map<Kernel, Double> ms = new EnumMap<>(Kernel.class);
        ms.put(Kernel.STATIC, staticMs);
        ms.put(Kernel.FLOAT, floatMs);
        Map<Kernel, Double> err = new EnumMap<>(Kernel.class);
        err.put(Kernel.FLOAT, 0.0);
        err.put(Kernel.STATIC, Math.pow(10, -staticDb / 10));
        if (!Double.isNaN(dynamicMs)) {
            ms.put(Kernel.DYNAMIC, dynamicMs);
            err.put(Kernel.DYNAMIC, Math.pow(10, -dynamicDb / 10));
        }
        return new KernelMeasurement(ms, Map.of("op", err));
    }

    @Test
    void dynamicWinsWhenFasterAndAsAccurate() {
        KernelDecision.Choice c = RULE.decide(m(1.0, 0.8, 2.0, 30, 30.2));
        assertEquals(Kernel.DYNAMIC, c.kernel());
        assertTrue(c.reason().contains("0.800") && c.reason().contains("1.000"), c.reason());
    }

    @Test
    void dynamicWithinTheSlackStillWins() {
        assertEquals(Kernel.DYNAMIC, RULE.decide(m(1.0, 0.8, 2.0, 30, 29.1)).kernel());
    }

    @Test
    void aFasterDynamicLosingMoreThanTheSlackIsRejected() {
        KernelDecision.Choice c = RULE.decide(m(1.0, 0.5, 2.0, 30, 28.5));
        assertEquals(Kernel.STATIC, c.kernel());
        assertTrue(c.reason().contains("less accurate"), c.reason());
    }

    @Test
    void staticWinsWhenFaster() {
        assertEquals(Kernel.STATIC, RULE.decide(m(0.7, 0.8, 2.0, 30, 31)).kernel());
    }

    @Test
    void withinTheLatencyMarginTheMoreAccurateKernelWins() {
        assertEquals(Kernel.DYNAMIC, RULE.decide(m(1.00, 1.02, 2.0, 30, 30.5)).kernel());
        assertEquals(Kernel.STATIC, RULE.decide(m(1.02, 1.00, 2.0, 30.5, 30)).kernel());
    }

    @Test
    void floatWinsOnlyWhenClearlyFaster() {
        KernelDecision.Choice c = RULE.decide(m(1.0, 0.9, 0.5, 30, 30));
        assertEquals(Kernel.FLOAT, c.kernel());
        assertTrue(c.reason().contains("float is faster"), c.reason());
        assertEquals(Kernel.DYNAMIC, RULE.decide(m(1.0, 0.9, 0.89, 30, 30)).kernel());
    }

    @Test
    void withoutADynamicCandidateStaticOrFloat() {
        assertEquals(Kernel.STATIC, RULE.decide(m(1.0, Double.NaN, 2.0, 30, Double.NaN)).kernel());
        assertEquals(Kernel.FLOAT, RULE.decide(m(1.0, Double.NaN, 0.5, 30, Double.NaN)).kernel());
    }

    @Test
    void theWorstOpOfAGroupDecidesAdmissibility() {
        Map<Kernel, Double> ms = Map.of(Kernel.STATIC, 1.0, Kernel.DYNAMIC, 0.5, Kernel.FLOAT, 2.0);
        KernelMeasurement two = new KernelMeasurement(ms, Map.of(
                "a", Map.of(Kernel.STATIC, 1e-3, Kernel.DYNAMIC, 1e-3, Kernel.FLOAT, 0.0),
                "b", Map.of(Kernel.STATIC, 1e-3, Kernel.DYNAMIC, 1e-2, Kernel.FLOAT, 0.0)));
        assertEquals(Kernel.STATIC, RULE.decide(two).kernel());
        assertEquals(20.0, two.worstSqnrDb(Kernel.DYNAMIC), 1e-9);
    }

    @Test
    void aMeasurementWithoutStaticOrFloatIsRefused() {
        KernelMeasurement noStatic = new KernelMeasurement(Map.of(Kernel.FLOAT, 1.0), Map.of());
        assertThrows(IllegalArgumentException.class, () -> RULE.decide(noStatic));
        assertThrows(IllegalArgumentException.class, () -> new KernelDecision(-1, 0.03));
        assertThrows(IllegalArgumentException.class, () -> new KernelDecision(1, 1.0));
    }

    @Test
    void sqnrOfAnExactOutputIsInfinite() {
        assertEquals(Double.POSITIVE_INFINITY, KernelMeasurement.sqnrDb(0));
        assertEquals(30.0, KernelMeasurement.sqnrDb(1e-3), 1e-9);
    }
}
