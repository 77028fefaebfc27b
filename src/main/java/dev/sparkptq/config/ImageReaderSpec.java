package dev.sparkptq.config;

import java.util.Arrays;

/**
 * A folder of JPEG/PNG images (sorted by file name) turned into one float tensor per image.
 *
 * <p>Order of operations: decode → (letterbox | resize shorter side then center crop | plain resize) → channel
 * order → {@code x / scale} → {@code (x - mean) / std} → layout.
 *
 * @param input        model input to feed, or {@code null} for the model's only input
 * @param resizeShorter resize so the shorter side has this length (bilinear), 0 = off
 * @param centerCrop   {height, width} of a center crop after resizing, or {@code null}
 * @param resize       {height, width} to resize to directly (ignores aspect ratio), or {@code null}
 * @param letterbox    {height, width} canvas for aspect-preserving resize pasted top-left, or {@code null}
 * @param letterboxFill fill value of the letterbox canvas (in 0–255 pixel units)
 * @param scale        divisor applied to 0–255 pixel values (1 keeps raw values)
 * @param mean         per-channel mean subtracted after scaling (length 3) or {@code null}
 * @param std          per-channel std divided after mean (length 3) or {@code null}
 * @param color        channel order fed to the model
 * @param layout       NCHW or NHWC
 * @param labels       where labels come from, or {@code null} for none
 * @param alpha        the value of the fourth channel when the model input has 4 channels (RGB plus a constant
 *                     channel, e.g. an opaque alpha); fed as is, after scale/mean/std of the colour channels
 */
public record ImageReaderSpec(String input, int resizeShorter, int[] centerCrop, int[] resize, int[] letterbox,
                              float letterboxFill, float scale, float[] mean, float[] std, ColorOrder color,
                              Layout layout, LabelSpec labels, float alpha)
        implements ReaderSpec {
    /** The default {@link #alpha}: an opaque alpha in [0, 1] units. */
    public static final float DEFAULT_ALPHA = 1f;

    /** A spec with the default alpha. */
    public ImageReaderSpec(String input, int resizeShorter, int[] centerCrop, int[] resize, int[] letterbox,
                           float letterboxFill, float scale, float[] mean, float[] std, ColorOrder color,
                           Layout layout, LabelSpec labels) {
        this(input, resizeShorter, centerCrop, resize, letterbox, letterboxFill, scale, mean, std, color, layout,
                labels, DEFAULT_ALPHA);
    }

    public enum ColorOrder { RGB, BGR }

    public enum Layout { NCHW, NHWC }

    @Override
    public String toString() {
        return "ImageReaderSpec[input=" + input + ", resizeShorter=" + resizeShorter + ", centerCrop="
                + Arrays.toString(centerCrop) + ", resize=" + Arrays.toString(resize) + ", letterbox="
                + Arrays.toString(letterbox) + ", fill=" + letterboxFill + ", scale=" + scale + ", mean="
                + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + ", color=" + color + ", layout="
                + layout + ", labels=" + labels + ", alpha=" + alpha + "]";
    }
}
