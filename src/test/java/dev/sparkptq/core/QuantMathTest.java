package dev.sparkptq.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class QuantMathTest {
    @Test
    void roundsHalfToEvenAndClampsToLevels() {
        assertEquals(2, QuantMath.quantize(2.5f, 1f, 0, -128, 127));
        assertEquals(4, QuantMath.quantize(3.5f, 1f, 0, -128, 127));
        assertEquals(-8, QuantMath.quantize(-100f, 1f, 0, -8, 7));
        assertEquals(7, QuantMath.quantize(100f, 1f, 0, -8, 7));
        assertEquals(3.0f, QuantMath.dequantize(5, 1.5f, 3));
    }
}
