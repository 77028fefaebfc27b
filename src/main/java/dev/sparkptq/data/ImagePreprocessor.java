package dev.sparkptq.data;

import dev.sparkptq.config.ImageReaderSpec;
import dev.sparkptq.config.ImageReaderSpec.ColorOrder;
import dev.sparkptq.config.ImageReaderSpec.Layout;
import dev.sparkptq.core.Tensor;

/**
 * Turns a decoded image into the model's float tensor, in the order the spec documents: geometry (letterbox, or
 * resize / shorter-side resize followed by an optional center crop) → channel order → {@code x / scale} →
 * {@code (x - mean) / std} → layout. Geometry follows torchvision and YOLOX exactly (their rounding is noted where
 * it matters); values stay in 0–255 pixel units until the scale step.
 */
final class ImagePreprocessor {
    private ImagePreprocessor() {
    }

    /** Pixels in 0–255 units, interleaved RGB, {@code height × width × 3}; floats so a letterbox fill can be any value. */
    record Canvas(int width, int height, float[] rgb) {
    }

    static Tensor apply(RgbImage img, ImageReaderSpec spec) {
        return apply(img, spec, 3);
    }

    /** As {@link #apply(RgbImage, ImageReaderSpec)} for a model input with {@code channels} (1, 3 or 4) channels. */
    static Tensor apply(RgbImage img, ImageReaderSpec spec, int channels) {
        return toTensor(geometry(img, spec), spec, channels);
    }

    static Canvas geometry(RgbImage img, ImageReaderSpec spec) {
        if (spec.letterbox() != null) {
            return letterbox(img, spec.letterbox()[0], spec.letterbox()[1], spec.letterboxFill());
        }
        RgbImage sized = img;
        if (spec.resize() != null) {
            sized = PilResize.resize(img, spec.resize()[1], spec.resize()[0]);
        } else if (spec.resizeShorter() > 0) {
            sized = resizeShorter(img, spec.resizeShorter());
        }
        if (spec.centerCrop() != null) {
            return centerCrop(sized, spec.centerCrop()[0], spec.centerCrop()[1]);
        }
        return centerCrop(sized, sized.height(), sized.width());
    }

    /**
     * torchvision {@code Resize(int)}: the shorter side becomes {@code size}, the longer one
     * {@code int(size * long / short)} (truncated).
     */
    static RgbImage resizeShorter(RgbImage img, int size) {
        int w = img.width();
        int h = img.height();
        int shorter = Math.min(w, h);
        int longer = Math.max(w, h);
        int newLong = (int) ((double) size * longer / shorter);
        return w <= h ? PilResize.resize(img, size, newLong) : PilResize.resize(img, newLong, size);
    }

    /**
     * torchvision {@code CenterCrop}: {@code top = round((h - ch) / 2.0)} with Python's round-half-to-even; a crop
     * larger than the image pads with zeros, {@code (ch - h) // 2} rows on top.
     */
    static Canvas centerCrop(RgbImage img, int cropH, int cropW) {
        int top = offset(img.height(), cropH);
        int left = offset(img.width(), cropW);
        float[] out = new float[cropH * cropW * 3];
        for (int y = 0; y < cropH; y++) {
            int sy = y + top;
            if (sy < 0 || sy >= img.height()) {
                continue;
            }
            for (int x = 0; x < cropW; x++) {
                int sx = x + left;
                if (sx < 0 || sx >= img.width()) {
                    continue;
                }
                for (int c = 0; c < 3; c++) {
                    out[(y * cropW + x) * 3 + c] = img.get(sx, sy, c);
                }
            }
        }
        return new Canvas(cropW, cropH, out);
    }

    /** Start of a centred window of {@code crop} in {@code size}; negative when the window is larger (padding). */
    static int offset(int size, int crop) {
        if (size >= crop) {
            return (int) Math.rint((size - crop) / 2.0);
        }
        return -((crop - size) / 2);
    }

    /**
     * YOLOX-style letterbox: scale by {@code r = min(H / h, W / w)} to {@code (int(w r), int(h r))} (truncated, as
     * YOLOX does), paste at the top-left of an {@code H × W} canvas filled with {@code fill}.
     */
    static Canvas letterbox(RgbImage img, int height, int width, float fill) {
        double r = Math.min((double) height / img.height(), (double) width / img.width());
        int newW = Math.max(1, (int) (img.width() * r));
        int newH = Math.max(1, (int) (img.height() * r));
        RgbImage sized = PilResize.resize(img, newW, newH);
        float[] out = new float[height * width * 3];
        java.util.Arrays.fill(out, fill);
        for (int y = 0; y < Math.min(newH, height); y++) {
            for (int x = 0; x < Math.min(newW, width); x++) {
                for (int c = 0; c < 3; c++) {
                    out[(y * width + x) * 3 + c] = sized.get(x, y, c);
                }
            }
        }
        return new Canvas(width, height, out);
    }

    /** Channel order, scale, mean/std and layout; output shape {@code [1,3,H,W]} or {@code [1,H,W,3]}. */
    static Tensor toTensor(Canvas canvas, ImageReaderSpec spec) {
        return toTensor(canvas, spec, 3);
    }

    /**
     * Channel order, scale, mean/std and layout for a {@code channels}-channel input: 3 = the colour channels; 1 =
     * luma {@code 0.299 R + 0.587 G + 0.114 B} (ITU-R 601, as Pillow's {@code convert("L")} and the Y of YCbCr),
     * with the first mean/std value; 4 = the colour channels plus the constant {@link ImageReaderSpec#alpha()}.
     */
    static Tensor toTensor(Canvas canvas, ImageReaderSpec spec, int channels) {
        int h = canvas.height();
        int w = canvas.width();
        int hw = h * w;
        boolean nhwc = spec.layout() == Layout.NHWC;
        float[] out = new float[hw * channels];
        float[] src = canvas.rgb();
        int colours = channels == 1 ? 1 : 3;
        for (int c = 0; c < colours; c++) {
            int from = spec.color() == ColorOrder.BGR ? 2 - c : c;
            float mean = spec.mean() == null ? 0f : spec.mean()[c];
            float std = spec.std() == null ? 1f : spec.std()[c];
            for (int p = 0; p < hw; p++) {
                float pixel = channels == 1 ? luma(src, p) : src[p * 3 + from];
                out[nhwc ? p * channels + c : c * hw + p] = (pixel / spec.scale() - mean) / std;
            }
        }
        for (int p = 0; channels == 4 && p < hw; p++) {
            out[nhwc ? p * channels + 3 : 3 * hw + p] = spec.alpha();
        }
        long[] shape = nhwc ? new long[] {1, h, w, channels} : new long[] {1, channels, h, w};
        return Tensor.ofFloats(shape, out);
    }

    private static float luma(float[] rgb, int p) {
        return 0.299f * rgb[p * 3] + 0.587f * rgb[p * 3 + 1] + 0.114f * rgb[p * 3 + 2];
    }
}
