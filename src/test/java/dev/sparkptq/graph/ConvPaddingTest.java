package dev.sparkptq.graph;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class ConvPaddingTest {
    @ParameterizedTest(name = "{0} in={1} k={2} s={3} d={4} pads={5},{6} -> {7},{8}")
    @CsvSource({
            // explicit pads are kept as given
            "NOTSET,     6, 3, 1, 1, 1, 2, 1, 2",
            // VALID drops them
            "VALID,      6, 3, 1, 1, 1, 2, 0, 0",
            // kernel 2, stride 1: one pad in total, at the end for UPPER, at the beginning for LOWER
            "SAME_UPPER, 6, 2, 1, 1, 9, 9, 0, 1",
            "SAME_LOWER, 6, 2, 1, 1, 9, 9, 1, 0",
            // kernel 3, stride 2, input 7: out 4, total (4-1)*2 + 3 - 7 = 2, split evenly
            "SAME_UPPER, 7, 3, 2, 1, 0, 0, 1, 1",
            // dilation 2 makes the kernel span 5: total 4 for stride 1
            "SAME_LOWER, 5, 3, 1, 2, 0, 0, 2, 2",
            // stride larger than the kernel needs no padding
            "SAME_UPPER, 6, 1, 2, 1, 0, 0, 0, 0",
    })
    void resolvesPadsAsOnnxConvDoes(String autoPad, long in, long kernel, long stride, long dilation, long begin,
                                    long end, long wantBegin, long wantEnd) {
        assertArrayEquals(new long[] {wantBegin, wantEnd},
                ConvPadding.resolve(autoPad, in, kernel, stride, dilation, begin, end));
    }
}
