package dev.sparkptq.stats;

import dev.sparkptq.core.DataException;
import dev.sparkptq.core.InternalException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GramAccumulatorTest {

    static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    /**
     * H of a 2-D convolution computed directly: pad the input explicitly, then for every output position and group
     * read the window [ci, ky, kx] and add its outer product.
     */
    static double[][] directConvGram(float[] x, int n, int c, int hIn, int wIn, int groups, int k, int stride,
                                     int dil, int padTop, int padLeft, int padBottom, int padRight) {
        int hp = hIn + padTop + padBottom;
        int wp = wIn + padLeft + padRight;
        float[] padded = new float[n * c * hp * wp];
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < hIn; y++) {
                    for (int xx = 0; xx < wIn; xx++) {
                        padded[((b * c + ch) * hp + y + padTop) * wp + xx + padLeft] =
                                x[((b * c + ch) * hIn + y) * wIn + xx];
                    }
                }
            }
        }
        int span = dil * (k - 1) + 1;
        int outH = (hp - span) / stride + 1;
        int outW = (wp - span) / stride + 1;
        int cg = c / groups;
        int d = cg * k * k;
        double[][] h = new double[groups][d * d];
        for (int b = 0; b < n; b++) {
            for (int oy = 0; oy < outH; oy++) {
                for (int ox = 0; ox < outW; ox++) {
                    for (int g = 0; g < groups; g++) {
                        double[] v = new double[d];
                        int i = 0;
                        for (int ci = 0; ci < cg; ci++) {
                            for (int ky = 0; ky < k; ky++) {
                                for (int kx = 0; kx < k; kx++) {
                                    v[i++] = padded[((b * c + g * cg + ci) * hp + oy * stride + ky * dil) * wp
                                            + ox * stride + kx * dil];
                                }
                            }
                        }
                        for (int p = 0; p < d; p++) {
                            for (int q = 0; q < d; q++) {
                                h[g][p * d + q] += v[p] * v[q];
                            }
                        }
                    }
                }
            }
        }
        return h;
    }

    static GramSpec conv(int channels, int groups, int k, int stride, int dil, long[] pads, String autoPad) {
        return new GramSpec("x", GramSpec.Layout.PATCHES, channels / groups * k * k, groups, new long[] {k, k},
                new long[] {stride, stride}, new long[] {dil, dil}, pads, autoPad, 1_000_000, null);
    }

    static void assertMatrices(double[][] expected, double[][] actual) {
        assertEquals(expected.length, actual.length);
        for (int g = 0; g < expected.length; g++) {
            for (int i = 0; i < expected[g].length; i++) {
                assertEquals(expected[g][i], actual[g][i], 1e-9 * (1 + Math.abs(expected[g][i])), "element " + i);
            }
        }
    }

    @Test
    void convPatchesWithPaddingStrideAndDilationMatchADirectIm2col() {
        float[] x = random(2 * 4 * 7 * 6, 1);
        GramAccumulator acc = new GramAccumulator(conv(4, 1, 3, 2, 1, new long[] {1, 0, 2, 1}, "NOTSET"));
        acc.add(x, new long[] {2, 4, 7, 6}, 0);
        assertMatrices(directConvGram(x, 2, 4, 7, 6, 1, 3, 2, 1, 1, 0, 2, 1), acc.result().matrices());
        int outH = (7 + 1 + 2 - 3) / 2 + 1;
        int outW = (6 + 0 + 1 - 3) / 2 + 1;
        assertEquals(2L * outH * outW, acc.result().vectors());

        GramAccumulator dilated = new GramAccumulator(conv(4, 1, 3, 1, 2, new long[] {0, 0, 0, 0}, "NOTSET"));
        dilated.add(x, new long[] {2, 4, 7, 6}, 0);
        assertMatrices(directConvGram(x, 2, 4, 7, 6, 1, 3, 1, 2, 0, 0, 0, 0), dilated.result().matrices());
    }

    @Test
    void groupedAndDepthwiseConvsGetOneSmallGramPerGroup() {
        float[] x = random(6 * 5 * 5, 2);
        GramAccumulator grouped = new GramAccumulator(conv(6, 2, 3, 1, 1, new long[] {1, 1, 1, 1}, "NOTSET"));
        grouped.add(x, new long[] {1, 6, 5, 5}, 0);
        assertMatrices(directConvGram(x, 1, 6, 5, 5, 2, 3, 1, 1, 1, 1, 1, 1), grouped.result().matrices());

        GramAccumulator depthwise = new GramAccumulator(conv(6, 6, 3, 1, 1, new long[] {1, 1, 1, 1}, "NOTSET"));
        depthwise.add(x, new long[] {1, 6, 5, 5}, 0);
        assertEquals(6, depthwise.result().matrices().length);
        assertEquals(81, depthwise.result().matrices()[0].length);
        assertMatrices(directConvGram(x, 1, 6, 5, 5, 6, 3, 1, 1, 1, 1, 1, 1), depthwise.result().matrices());
    }

    @Test
    void autoPadSameUpperPadsTheEndWithTheExtraElement() {
        float[] x = random(2 * 6 * 6, 3);
        GramAccumulator acc = new GramAccumulator(conv(2, 1, 2, 1, 1, new long[] {0, 0, 0, 0}, "SAME_UPPER"));
        acc.add(x, new long[] {1, 2, 6, 6}, 0);
        // kernel 2, stride 1: one pad in total per axis, at the end for SAME_UPPER
        assertMatrices(directConvGram(x, 1, 2, 6, 6, 1, 2, 1, 1, 0, 0, 1, 1), acc.result().matrices());
        assertEquals(36, acc.result().vectors());
    }

    @Test
    void rowsGramIsXTransposeX() {
        int rows = 9;
        int d = 5;
        float[] x = random(rows * d, 4);
        GramAccumulator acc = new GramAccumulator(GramSpec.rows("x", d, 1000, null));
        acc.add(x, new long[] {1, rows, d}, 0);
        double[] h = new double[d * d];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    h[i * d + j] += (double) x[r * d + i] * x[r * d + j];
                }
            }
        }
        assertMatrices(new double[][] {h}, acc.result().matrices());
        assertEquals(rows, acc.result().vectors());
    }

    @Test
    void splitAndMergeEqualsAllAtOnceAndEmptyIsTheIdentity() throws Exception {
        GramSpec spec = conv(3, 1, 3, 1, 1, new long[] {1, 1, 1, 1}, "NOTSET");
        GramAccumulator all = new GramAccumulator(spec);
        GramAccumulator left = new GramAccumulator(spec);
        GramAccumulator right = new GramAccumulator(spec);
        for (int s = 0; s < 6; s++) {
            float[] x = random(3 * 8 * 8, 10 + s);
            all.add(x, new long[] {1, 3, 8, 8}, s);
            (s % 2 == 0 ? left : right).add(x, new long[] {1, 3, 8, 8}, s);
        }
        right.merge(new GramAccumulator(spec));
        left.merge(right);
        assertMatrices(all.result().matrices(), left.result().matrices());
        assertEquals(all.result().vectors(), left.result().vectors());
        assertEquals(6, left.result().samples());

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(left);
        }
        GramAccumulator back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = (GramAccumulator) in.readObject();
        }
        assertArrayEquals(left.result().matrices()[0], back.result().matrices()[0]);
    }

    @Test
    void positionDrawIsBoundedSeededAndWithoutRepeats() {
        GramSpec spec = new GramSpec("x", GramSpec.Layout.PATCHES, 2 * 9, 1, new long[] {3, 3}, new long[] {1, 1},
                new long[] {1, 1}, new long[] {1, 1, 1, 1}, "NOTSET", 20, null);
        GramAccumulator acc = new GramAccumulator(spec);
        long[] a = acc.chosen(400, 42);
        long[] b = acc.chosen(400, 42);
        long[] c = acc.chosen(400, 43);
        assertEquals(20, a.length);
        assertArrayEquals(a, b);
        assertTrue(!java.util.Arrays.equals(a, c));
        for (int i = 1; i < a.length; i++) {
            assertTrue(a[i] > a[i - 1] && a[i] < 400);
        }
        float[] x = random(2 * 20 * 20, 5);
        acc.add(x, new long[] {1, 2, 20, 20}, 7);
        assertEquals(20, acc.result().vectors());
    }

    @Test
    void aMatMulInputWithTheWrongFeatureCountIsADataError() {
        GramAccumulator acc = new GramAccumulator(GramSpec.rows("hidden", 8, 10, null));
        DataException e = assertThrows(DataException.class, () -> acc.add(new float[12], new long[] {2, 6}, 0));
        assertTrue(e.getMessage().contains("hidden") && e.getMessage().contains("8"), e.getMessage());
    }

    @Test
    void mergingDifferentSpecsIsRejected() {
        GramAccumulator a = new GramAccumulator(GramSpec.rows("a", 4, 10, null));
        GramAccumulator b = new GramAccumulator(GramSpec.rows("b", 4, 10, null));
        assertThrows(IllegalArgumentException.class, () -> a.merge(b));
    }

    @Test
    void aPairedInputAddsTheQuantizedGramAndTheCrossTerm() {
        int rows = 7;
        int d = 4;
        float[] x = random(rows * d, 6);
        float[] xq = random(rows * d, 7); // the quantized model's tensor at the same positions
        GramAccumulator acc = new GramAccumulator(GramSpec.rows("x", d, 1000, "x_dequantized"));
        acc.add(x, xq, new long[] {1, rows, d}, 0);
        double[] h = new double[d * d];
        double[] hq = new double[d * d];
        double[] c = new double[d * d];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    h[i * d + j] += (double) x[r * d + i] * x[r * d + j];
                    hq[i * d + j] += (double) xq[r * d + i] * xq[r * d + j];
                    c[i * d + j] += (double) x[r * d + i] * xq[r * d + j];
                }
            }
        }
        GramResult result = acc.result();
        assertMatrices(new double[][] {h}, result.matrices());
        assertMatrices(new double[][] {hq}, result.quantized());
        assertMatrices(new double[][] {c}, result.cross());
        GramAccumulator plain = new GramAccumulator(GramSpec.rows("x", d, 1000, null));
        plain.add(x, new long[] {1, rows, d}, 0);
        GramResult p = plain.result();
        assertTrue(p.quantized()[0] == p.matrices()[0] && p.cross()[0] == p.matrices()[0],
                "an unpaired input has H̃ = C = H");
        assertThrows(InternalException.class, () -> acc.add(x, null, new long[] {1, rows, d}, 0));
    }

    @Test
    void pairedConvPatchesCutBothTensorsAtTheSamePositions() {
        float[] x = random(3 * 6 * 6, 8);
        float[] xq = random(3 * 6 * 6, 9);
        GramSpec spec = new GramSpec("x", GramSpec.Layout.PATCHES, 27, 1, new long[] {3, 3}, new long[] {1, 1},
                new long[] {1, 1}, new long[] {1, 1, 1, 1}, "NOTSET", 10, "xq");
        GramAccumulator acc = new GramAccumulator(spec);
        acc.add(x, xq, new long[] {1, 3, 6, 6}, 5);
        GramAccumulator plainX = new GramAccumulator(new GramSpec("x", GramSpec.Layout.PATCHES, 27, 1,
                new long[] {3, 3}, new long[] {1, 1}, new long[] {1, 1}, new long[] {1, 1, 1, 1}, "NOTSET", 10, null));
        GramAccumulator plainQ = new GramAccumulator(plainX.spec());
        plainX.add(x, new long[] {1, 3, 6, 6}, 5);
        plainQ.add(xq, new long[] {1, 3, 6, 6}, 5);
        assertMatrices(plainX.result().matrices(), acc.result().matrices());
        assertMatrices(plainQ.result().matrices(), acc.result().quantized());
        assertEquals(10, acc.result().vectors());
    }
}
