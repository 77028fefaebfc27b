package dev.sparkptq.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PilResizeTest {

    /** A gray image (R = G = B) from a function of (x, y). */
    private static RgbImage gray(int w, int h, java.util.function.IntBinaryOperator f) {
        int[] rgb = new int[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = f.applyAsInt(x, y);
                for (int c = 0; c < 3; c++) {
                    rgb[(y * w + x) * 3 + c] = v;
                }
            }
        }
        return new RgbImage(w, h, rgb);
    }

    private static int[][] channel0(RgbImage img) {
        int[][] out = new int[img.height()][img.width()];
        for (int y = 0; y < img.height(); y++) {
            for (int x = 0; x < img.width(); x++) {
                out[y][x] = img.get(x, y, 0);
            }
        }
        return out;
    }

    @Test
    void halvingUsesTriangleOfSupportTwoClippedAtTheBorderNotABoxAverage() {
        // Output 0 has centre 1.0 in input coordinates; input pixel centres 0.5, 1.5, 2.5 lie at distances
        // 0.5, 0.5, 1.5 → triangle(d / 2) = 0.75, 0.75, 0.25 (the pixel at -0.5 is outside) → 3/7, 3/7, 1/7.
        int[] start = new int[2];
        double[][] w = PilResize.weights(4, 2, start);
        assertArrayEquals(new int[] {0, 1}, start);
        assertArrayEquals(new double[] {3 / 7.0, 3 / 7.0, 1 / 7.0}, w[0], 1e-12);
        assertArrayEquals(new double[] {1 / 7.0, 3 / 7.0, 3 / 7.0}, w[1], 1e-12);
    }

    @Test
    void halvingAFourByFourImageMatchesHandComputedPixels() {
        // p(x, y) = 70x + 10y. Horizontal pass: row y → (3·10y + 3·(70+10y) + (140+10y)) / 7 = 50 + 10y and
        // (70+10y + 3·(140+10y) + 3·(210+10y)) / 7 = 160 + 10y (exact). Vertical pass on column [50,60,70,80]:
        // (3·50 + 3·60 + 70) / 7 = 57.14 → 57 and (60 + 3·70 + 3·80) / 7 = 72.86 → 73; column [160..190]: 167, 183.
        RgbImage out = PilResize.resize(gray(4, 4, (x, y) -> 70 * x + 10 * y), 2, 2);
        assertArrayEquals(new int[][] {{57, 167}, {73, 183}}, channel0(out));
        // a 2×2 box average would give 40 at (0,0): Pillow's filter reaches into the neighbouring pixels
        assertNotEquals(40, out.get(0, 0, 0));
    }

    @Test
    void nonIntegerDownscaleWidensTheSupport() {
        // 5 → 2: scale 2.5, support 2.5; output 0 centre 1.25 covers inputs 0..3 at offsets -0.75, 0.25, 1.25, 2.25
        // → triangle(offset / 2.5) = 0.7, 0.9, 0.5, 0.1 → divided by 2.2.
        int[] start = new int[2];
        double[][] w = PilResize.weights(5, 2, start);
        assertEquals(0, start[0]);
        assertArrayEquals(new double[] {0.7 / 2.2, 0.9 / 2.2, 0.5 / 2.2, 0.1 / 2.2}, w[0], 1e-12);
    }

    @Test
    void upscaleIsPlainBilinearWithHalfPixelCentresAndClampedEdges() {
        // 2 → 4: output centres 0.25, 0.75, 1.25, 1.75 in input units; inputs at 0.5 and 1.5.
        // 0.25 → only input 0 is in reach (input -1 is outside) → 0; 0.75 → 0.75·0 + 0.25·200 = 50;
        // 1.25 → 150; 1.75 → 200.
        RgbImage out = PilResize.resize(gray(2, 1, (x, y) -> 200 * x), 4, 1);
        assertArrayEquals(new int[][] {{0, 50, 150, 200}}, channel0(out));
    }

    @Test
    void twoDimensionalUpscaleInterpolatesBothAxes() {
        // 2×2 → 4×4 of p(x,y) = 100x + 40y: rows become [0,25,75,100]+40y, columns likewise with 40 → 0,10,30,40.
        RgbImage out = PilResize.resize(gray(2, 2, (x, y) -> 100 * x + 40 * y), 4, 4);
        int[][] expected = new int[4][4];
        int[] xs = {0, 25, 75, 100};
        int[] ys = {0, 10, 30, 40};
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                expected[y][x] = xs[x] + ys[y];
            }
        }
        assertArrayEquals(expected, channel0(out));
    }

    @Test
    void sameSizeIsIdentity() {
        RgbImage in = gray(3, 2, (x, y) -> 17 * x + 5 * y + 1);
        assertArrayEquals(in.rgb(), PilResize.resize(in, 3, 2).rgb());
    }

    @Test
    void channelsAreResizedIndependently() {
        int[] rgb = new int[4 * 3];
        for (int x = 0; x < 4; x++) {
            rgb[x * 3] = 70 * x;
            rgb[x * 3 + 1] = 255;
            rgb[x * 3 + 2] = 0;
        }
        RgbImage out = PilResize.resize(new RgbImage(4, 1, rgb), 2, 1);
        assertArrayEquals(new int[] {50, 255, 0, 160, 255, 0}, out.rgb());
    }

    @ParameterizedTest
    @CsvSource({"4,2", "5,2", "500,256", "375,256", "2,4", "3,7", "224,224", "1,5", "7,1"})
    void weightsAreNonNegativeAndSumToOne(int in, int out) {
        double[][] w = PilResize.weights(in, out, new int[out]);
        for (double[] row : w) {
            double sum = 0;
            for (double v : row) {
                assertTrue(v >= 0);
                sum += v;
            }
            assertEquals(1.0, sum, 1e-12);
        }
    }

    @ParameterizedTest
    @CsvSource({"500,256", "375,256", "37,11", "8,3", "3,8"})
    void constantImageStaysConstant(int in, int out) {
        RgbImage img = PilResize.resize(gray(in, 2, (x, y) -> 201), out, 2);
        for (int v : img.rgb()) {
            assertEquals(201, v);
        }
    }
}
