package dev.sparkptq.calibration;

import dev.sparkptq.config.RangeEstimatorSpec;
import dev.sparkptq.config.TensorQuantSpec;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.Granularity;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.core.QuantMath;
import dev.sparkptq.core.QuantParams;
import dev.sparkptq.core.QuantScheme;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.stream.Stream;

import static dev.sparkptq.core.QuantScheme.ASYMMETRIC;
import static dev.sparkptq.core.QuantScheme.SYMMETRIC;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuantParamsCalculatorTest {

    enum Role { ACTIVATION, WEIGHT }

    /** Expected values are derived by hand from the POT/NNCF formulas (see the class javadoc), not by the code. */
    record Case(String name, Role role, QuantScheme mode, int bits, Integer levelLow, Integer levelHigh,
                double min, double max, DType storage, int expLow, int expHigh, double expScale, int expZp) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        Role a = Role.ACTIVATION;
        Role w = Role.WEIGHT;
        return Stream.of(
                new Case("symmetric activation, signed", a, SYMMETRIC, 8, null, null, -3, 5, DType.INT8, -128, 127,
                        5.0 / 127, 0),
                new Case("symmetric activation, unsigned", a, SYMMETRIC, 8, null, null, 0, 6, DType.UINT8, 0, 255,
                        6.0 / 255, 0),
                new Case("symmetric activation, signed 16 bits", a, SYMMETRIC, 16, null, null, -2, 1, DType.INT16,
                        -32768, 32767, 2.0 / 32767, 0),
                new Case("symmetric activation, unsigned 16 bits", a, SYMMETRIC, 16, null, null, 0.5, 4,
                        DType.UINT16, 0, 65535, 4.0 / 65535, 0),
                new Case("asymmetric activation", a, ASYMMETRIC, 8, null, null, -1, 3, DType.UINT8, 0, 255,
                        4.0 / 255, 64),
                new Case("asymmetric weight", w, ASYMMETRIC, 8, null, null, -0.2, 0.6, DType.INT8, -128, 127,
                        0.8 / 255, -64),
                new Case("symmetric weight, narrow range", w, SYMMETRIC, 8, null, null, -0.9, 0.4, DType.INT8, -127,
                        127, 0.9 / 127, 0),
                new Case("symmetric weight, 4 bits", w, SYMMETRIC, 4, null, null, -1, 2, DType.INT8, -7, 7, 2.0 / 7,
                        0),
                new Case("asymmetric activation, 4 bits", a, ASYMMETRIC, 4, null, null, -2, 1, DType.UINT8, 0, 15,
                        0.2, 10),
                new Case("symmetric activation, signed 4 bits", a, SYMMETRIC, 4, null, null, -1, 1, DType.INT8, -8,
                        7, 1.0 / 7, 0),
                new Case("symmetric weight, 2 bits", w, SYMMETRIC, 2, null, null, -3, 3, DType.INT8, -1, 1, 3.0, 0),
                new Case("asymmetric weight, 2 bits", w, ASYMMETRIC, 2, null, null, -1, 2, DType.INT8, -2, 1, 1.0,
                        -1),
                new Case("symmetric activation, unsigned 2 bits", a, SYMMETRIC, 2, null, null, 0, 3, DType.UINT8, 0,
                        3, 1.0, 0),
                new Case("explicit levels -127..127, asymmetric activation", a, ASYMMETRIC, 8, -127, 127, -2, 2,
                        DType.INT8, -127, 127, 4.0 / 254, 0),
                new Case("explicit levels 0..1023, asymmetric weight", w, ASYMMETRIC, 8, 0, 1023, -1, 3,
                        DType.UINT16, 0, 1023, 4.0 / 1023, 256),
                new Case("explicit levels -100..100, symmetric weight", w, SYMMETRIC, 8, -100, 100, -0.5, 2,
                        DType.INT8, -100, 100, 0.02, 0),
                new Case("zero range, symmetric activation", a, SYMMETRIC, 8, null, null, 0, 0, DType.UINT8, 0, 255,
                        1.0, 0),
                new Case("zero range, asymmetric weight", w, ASYMMETRIC, 8, null, null, 0, 0, DType.INT8, -128, 127,
                        1.0, -128),
                new Case("constant positive, asymmetric activation", a, ASYMMETRIC, 8, null, null, 3, 3,
                        DType.UINT8, 0, 255, 3.0 / 255, 0),
                new Case("constant positive, symmetric activation", a, SYMMETRIC, 8, null, null, 3, 3, DType.UINT8,
                        0, 255, 3.0 / 255, 0),
                new Case("constant positive, symmetric weight", w, SYMMETRIC, 8, null, null, 0.7, 0.7, DType.INT8,
                        -127, 127, 0.7 / 127, 0),
                new Case("constant negative, asymmetric activation", a, ASYMMETRIC, 8, null, null, -2, -2,
                        DType.UINT8, 0, 255, 2.0 / 255, 255),
                new Case("all negative, symmetric activation", a, SYMMETRIC, 8, null, null, -5, -1, DType.INT8, -128,
                        127, 5.0 / 127, 0),
                new Case("all negative, asymmetric activation", a, ASYMMETRIC, 8, null, null, -5, -1, DType.UINT8, 0,
                        255, 5.0 / 255, 255),
                new Case("all negative, symmetric weight", w, SYMMETRIC, 8, null, null, -5, -1, DType.INT8, -127,
                        127, 5.0 / 127, 0),
                new Case("tiny range floors the scale", a, ASYMMETRIC, 8, null, null, 0, 1e-15, DType.UINT8, 0, 255,
                        1e-10, 0));
    }

    static TensorQuantSpec spec(QuantScheme mode, int bits, Integer low, Integer high) {
        return new TensorQuantSpec(bits, mode, Granularity.PER_TENSOR, low, high, new RangeEstimatorSpec(null,
                new RangeEstimatorSpec.StatisticSpec(RangeEstimatorSpec.StatType.ABS_MAX, null, null, null)));
    }

    private static QuantParams compute(Role role, Range r, TensorQuantSpec s, int axis) {
        return role == Role.ACTIVATION ? QuantParamsCalculator.activation(r, s, axis)
                : QuantParamsCalculator.weight(r, s, axis);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void computesPotScaleZeroPointLevelsAndStorage(Case c) {
        QuantParams p = compute(c.role(), Range.of(c.min(), c.max()), spec(c.mode(), c.bits(), c.levelLow(),
                c.levelHigh()), -1);
        assertEquals(c.storage(), p.storage());
        assertEquals(c.expLow(), p.levelLow());
        assertEquals(c.expHigh(), p.levelHigh());
        assertEquals((float) c.expScale(), p.scale()[0], Math.ulp((float) c.expScale()));
        assertEquals(c.expZp(), p.zeroPoint()[0]);
        assertEquals(-1, p.axis());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void zeroIsExactAndRangeEndsRoundTripWithinHalfAStep(Case c) {
        QuantParams p = compute(c.role(), Range.of(c.min(), c.max()), spec(c.mode(), c.bits(), c.levelLow(),
                c.levelHigh()), -1);
        assertRoundTrips(p, 0, c.min(), c.max());
    }

    static void assertRoundTrips(QuantParams p, int i, double min, double max) {
        float s = p.scale()[i];
        int zp = p.zeroPoint()[i];
        assertEquals(zp, QuantMath.quantize(0f, s, zp, p.levelLow(), p.levelHigh()), "0 maps to the zero point");
        assertEquals(0f, QuantMath.dequantize(zp, s, zp), "the zero point dequantizes to exactly 0");
        for (double x : new double[] {min, max}) {
            float xf = (float) x;
            float back = QuantMath.dequantize(QuantMath.quantize(xf, s, zp, p.levelLow(), p.levelHigh()), s, zp);
            double tolerance = s / 2.0 * (1 + 1e-5) + Math.abs(x) * 1e-6;
            assertTrue(Math.abs(back - xf) <= tolerance, x + " came back as " + back + " with scale " + s + " zp "
                    + zp + " (" + p + ")");
        }
    }

    @Test
    void randomRangesKeepZeroExactAndEndsWithinHalfAStep() {
        Random rnd = new Random(42);
        int[] bitChoices = {2, 3, 4, 5, 8, 16};
        for (int n = 0; n < 2000; n++) {
            double a = rnd.nextGaussian() * Math.pow(10, rnd.nextInt(9) - 4);
            double b = rnd.nextInt(4) == 0 ? Math.abs(a) : rnd.nextGaussian() * Math.pow(10, rnd.nextInt(9) - 4);
            double min = Math.min(a, b);
            double max = Math.max(a, b);
            QuantScheme mode = rnd.nextBoolean() ? SYMMETRIC : ASYMMETRIC;
            Role role = rnd.nextBoolean() ? Role.ACTIVATION : Role.WEIGHT;
            int bits = bitChoices[rnd.nextInt(bitChoices.length)];
            QuantParams p = compute(role, Range.of(min, max), spec(mode, bits, null, null), -1);
            assertRoundTrips(p, 0, min, max);
        }
    }

    @Test
    void perChannelRangesGiveOneScaleAndZeroPointPerChannel() {
        Range r = new Range(new double[] {-1, 0, -4}, new double[] {3, 2, -2});
        QuantParams p = QuantParamsCalculator.activation(r, spec(ASYMMETRIC, 8, null, null), 1);
        assertEquals(1, p.axis());
        assertArrayEquals(new float[] {(float) (4.0 / 255), (float) (2.0 / 255), (float) (4.0 / 255)}, p.scale());
        assertArrayEquals(new int[] {64, 0, 255}, p.zeroPoint());
        QuantParams sym = QuantParamsCalculator.activation(r, spec(SYMMETRIC, 8, null, null), 1);
        assertEquals(DType.INT8, sym.storage(), "one negative channel makes the whole quantizer signed");
        for (int i = 0; i < 3; i++) {
            assertRoundTrips(p, i, r.min(i), r.max(i));
            assertRoundTrips(sym, i, r.min(i), r.max(i));
        }
    }

    @Test
    void rejectsNaNRangesBadBitsAndInconsistentLevels() {
        TensorQuantSpec ok = spec(SYMMETRIC, 8, null, null);
        InternalException nan = assertThrows(InternalException.class,
                () -> QuantParamsCalculator.activation(Range.of(Double.NaN, 1), ok, -1));
        assertTrue(nan.getMessage().contains("NaN"), nan.getMessage());
        assertThrows(InternalException.class,
                () -> QuantParamsCalculator.weight(new Range(new double[] {0, 0}, new double[] {1, 1}), ok, -1));
        ConfigException bits = assertThrows(ConfigException.class,
                () -> QuantParamsCalculator.weight(Range.of(-1, 1), spec(SYMMETRIC, 1, null, null), -1));
        assertTrue(bits.getMessage().contains("bits 1"), bits.getMessage());
        assertThrows(ConfigException.class,
                () -> QuantParamsCalculator.weight(Range.of(-1, 1), spec(SYMMETRIC, 17, null, null), -1));
        assertThrows(ConfigException.class,
                () -> QuantParamsCalculator.weight(Range.of(-1, 1), spec(SYMMETRIC, 8, -127, null), -1));
        assertThrows(ConfigException.class,
                () -> QuantParamsCalculator.weight(Range.of(-1, 1), spec(SYMMETRIC, 8, 5, 3), -1));
        ConfigException sym = assertThrows(ConfigException.class,
                () -> QuantParamsCalculator.activation(Range.of(0, 1), spec(SYMMETRIC, 8, 1, 255), -1));
        assertTrue(sym.getMessage().contains("0 inside the levels"), sym.getMessage());
        assertThrows(ConfigException.class,
                () -> QuantParamsCalculator.weight(Range.of(-1, 1), spec(ASYMMETRIC, 8, -40000, 0), -1));
    }
}
