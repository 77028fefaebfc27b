package dev.sparkptq.core;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The half-float codec: rounding to nearest with ties to even, subnormals, and exact widening. */
class HalfFloatTest {
    @Test
    void roundsToTheNearestHalfWithTiesToEven() {
        assertEquals(1f, HalfFloat.toFloat(HalfFloat.toHalf(1f)));
        assertEquals(-65504f, HalfFloat.toFloat(HalfFloat.toHalf(-65504f)));
        assertEquals(0x1p-14f, HalfFloat.toFloat(HalfFloat.toHalf(0x1p-14f)));
        assertEquals(0f, HalfFloat.toFloat(HalfFloat.toHalf(0f)));
        // 1 + 2^-11 lies half way between 1 and 1 + 2^-10: ties go to the even mantissa (1)
        assertEquals(1f, HalfFloat.toFloat(HalfFloat.toHalf(1f + 0x1p-11f)));
        assertEquals(1f + 0x1p-9f, HalfFloat.toFloat(HalfFloat.toHalf(1f + 0x1p-10f + 0x1p-11f)));
        assertEquals(2f, HalfFloat.toFloat(HalfFloat.toHalf(2f - 0x1p-12f)), "carry into the exponent");
        assertEquals(17 * 0x1p-24f, HalfFloat.toFloat(HalfFloat.toHalf(1e-6f)), "subnormal: steps of 2^-24");
        assertEquals(-0x1p-24f, HalfFloat.toFloat(HalfFloat.toHalf(-0x1.8p-25f)), "subnormal ties to even");
        Random r = new Random(3);
        for (int i = 0; i < 100_000; i++) {
            float v = (float) ((r.nextBoolean() ? 1 : -1) * Math.exp(r.nextDouble() * 30 - 19));
            float h = HalfFloat.toFloat(HalfFloat.toHalf(v));
            assertTrue(Math.abs(h - v) <= Math.max(Math.abs(v) * 0x1p-11f, 0x1p-25f), v + " -> " + h);
            assertEquals(h, HalfFloat.toFloat(HalfFloat.toHalf(h)), "a half is its own rounding");
        }
    }

    @Test
    void wideningIsExactIncludingInfinitiesAndNan() {
        assertEquals(Float.POSITIVE_INFINITY, HalfFloat.toFloat((short) 0x7C00));
        assertEquals(Float.NEGATIVE_INFINITY, HalfFloat.toFloat((short) 0xFC00));
        assertTrue(Float.isNaN(HalfFloat.toFloat((short) 0x7E00)));
        assertEquals(-0f, HalfFloat.toFloat((short) 0x8000));
        assertEquals(0x1p-24f, HalfFloat.toFloat((short) 1));
        for (int bits = 0; bits < 0x7C00; bits++) { // every finite positive half round-trips
            assertEquals((short) bits, HalfFloat.toHalf(HalfFloat.toFloat((short) bits)), "bits " + bits);
        }
    }
}
