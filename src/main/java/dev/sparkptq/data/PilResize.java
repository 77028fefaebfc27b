package dev.sparkptq.data;

/**
 * Bilinear resizing that reproduces Pillow's {@code Image.resize(size, Image.BILINEAR)} on 8-bit RGB images, which is
 * what torchvision's {@code transforms.Resize} does to PIL images and hence what ImageNet models were trained on.
 *
 * <p>Pillow does not sample the two nearest pixels: it convolves with a triangle filter whose support grows with the
 * downscale factor ({@code support = max(in/out, 1)}), i.e. it antialiases when shrinking and is plain bilinear
 * with half-pixel centres when enlarging. Weights are normalised over the pixels inside the image, then turned into
 * fixed-point integers with 22 fractional bits; each pass (horizontal first, then vertical, each skipped when that
 * size does not change) rounds and clamps to 0..255. Doing the same arithmetic makes the output bit-identical,
 * so a model sees exactly the pixels it was validated on.
 */
final class PilResize {
    /** Fractional bits of Pillow's fixed-point weights for 8-bit images ({@code 32 - 8 - 2}). */
    static final int PRECISION_BITS = 22;

    private PilResize() {
    }

    /** Per output position: first input index, and fixed-point weights of the input pixels from there. */
    record Kernel(int[] start, int[][] weights) {
    }

    static RgbImage resize(RgbImage in, int outWidth, int outHeight) {
        if (outWidth <= 0 || outHeight <= 0) {
            throw new IllegalArgumentException("resize target " + outWidth + "x" + outHeight + " must be positive");
        }
        RgbImage img = in;
        if (outWidth != img.width()) {
            img = horizontal(img, kernel(img.width(), outWidth));
        }
        if (outHeight != img.height()) {
            img = vertical(img, kernel(img.height(), outHeight));
        }
        return img;
    }

    /** Triangle ("bilinear") filter with support 1. */
    static double triangle(double x) {
        double a = Math.abs(x);
        return a < 1.0 ? 1.0 - a : 0.0;
    }

    /** Normalised floating-point weights for each output position (before fixed-point conversion). */
    static double[][] weights(int inSize, int outSize, int[] startOut) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = filterScale; // the triangle's support (1) times the filter scale
        double inverse = 1.0 / filterScale; // multiplied, not divided, to round exactly like Pillow
        double[][] out = new double[outSize][];
        for (int xx = 0; xx < outSize; xx++) {
            double center = (xx + 0.5) * scale;
            int xmin = Math.max((int) (center - support + 0.5), 0);
            int xmax = Math.min((int) (center + support + 0.5), inSize);
            double[] w = new double[Math.max(xmax - xmin, 0)];
            double total = 0;
            for (int x = 0; x < w.length; x++) {
                w[x] = triangle((x + xmin - center + 0.5) * inverse);
                total += w[x];
            }
            if (total != 0.0) {
                for (int x = 0; x < w.length; x++) {
                    w[x] /= total;
                }
            }
            startOut[xx] = xmin;
            out[xx] = w;
        }
        return out;
    }

    static Kernel kernel(int inSize, int outSize) {
        int[] start = new int[outSize];
        double[][] w = weights(inSize, outSize, start);
        int[][] fixed = new int[outSize][];
        double one = 1 << PRECISION_BITS;
        for (int i = 0; i < outSize; i++) {
            fixed[i] = new int[w[i].length];
            for (int k = 0; k < w[i].length; k++) {
                double v = w[i][k] * one;
                fixed[i][k] = (int) (v < 0 ? v - 0.5 : v + 0.5);
            }
        }
        return new Kernel(start, fixed);
    }

    private static int clip8(long acc) {
        long v = acc >> PRECISION_BITS;
        return (int) Math.max(0, Math.min(255, v));
    }

    private static RgbImage horizontal(RgbImage in, Kernel k) {
        int w = in.width();
        int h = in.height();
        int outW = k.start().length;
        int[] src = in.rgb();
        int[] dst = new int[outW * h * 3];
        long half = 1L << (PRECISION_BITS - 1);
        for (int y = 0; y < h; y++) {
            int row = y * w;
            for (int xx = 0; xx < outW; xx++) {
                int[] wt = k.weights()[xx];
                int base = (row + k.start()[xx]) * 3;
                long r = half;
                long g = half;
                long b = half;
                for (int i = 0; i < wt.length; i++) {
                    int p = base + i * 3;
                    r += (long) src[p] * wt[i];
                    g += (long) src[p + 1] * wt[i];
                    b += (long) src[p + 2] * wt[i];
                }
                int o = (y * outW + xx) * 3;
                dst[o] = clip8(r);
                dst[o + 1] = clip8(g);
                dst[o + 2] = clip8(b);
            }
        }
        return new RgbImage(outW, h, dst);
    }

    private static RgbImage vertical(RgbImage in, Kernel k) {
        int w = in.width();
        int outH = k.start().length;
        int[] src = in.rgb();
        int[] dst = new int[w * outH * 3];
        long half = 1L << (PRECISION_BITS - 1);
        for (int yy = 0; yy < outH; yy++) {
            int[] wt = k.weights()[yy];
            int y0 = k.start()[yy];
            for (int x = 0; x < w; x++) {
                long r = half;
                long g = half;
                long b = half;
                for (int i = 0; i < wt.length; i++) {
                    int p = ((y0 + i) * w + x) * 3;
                    r += (long) src[p] * wt[i];
                    g += (long) src[p + 1] * wt[i];
                    b += (long) src[p + 2] * wt[i];
                }
                int o = (yy * w + x) * 3;
                dst[o] = clip8(r);
                dst[o + 1] = clip8(g);
                dst[o + 2] = clip8(b);
            }
        }
        return new RgbImage(w, outH, dst);
    }
}
