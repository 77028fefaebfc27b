package dev.sparkptq.data;

import dev.sparkptq.config.ImageReaderSpec;
import dev.sparkptq.config.ImageReaderSpec.ColorOrder;
import dev.sparkptq.config.ImageReaderSpec.Layout;
import dev.sparkptq.core.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ImagePreprocessorTest {

    static ImageReaderSpec spec(int shorter, int[] crop, int[] resize, int[] letterbox, float fill, float scale,
                                float[] mean, float[] std, ColorOrder color, Layout layout) {
        return new ImageReaderSpec(null, shorter, crop, resize, letterbox, fill, scale, mean, std, color, layout,
                null);
    }

    /** Pixel (x, y) = (10x + y, 100 + x, 200 - y). */
    static RgbImage ramp(int w, int h) {
        int[] rgb = new int[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = (y * w + x) * 3;
                rgb[p] = 10 * x + y;
                rgb[p + 1] = 100 + x;
                rgb[p + 2] = 200 - y;
            }
        }
        return new RgbImage(w, h, rgb);
    }

    @ParameterizedTest(name = "size {0}, crop {1} → offset {2}")
    @CsvSource({"256,224,16", "257,224,16", "259,224,18", "5,2,2", "4,1,2", "3,1,1", "224,224,0", "2,4,-1",
            "2,5,-1", "1,4,-1"})
    void centerCropOffsetRoundsHalfToEvenLikePythonAndPadsLikeTorchvision(int size, int crop, int expected) {
        // torchvision: int(round((size - crop) / 2.0)); Python rounds 16.5 → 16, 17.5 → 18, 1.5 → 2.
        // Larger crops pad (crop - size) // 2 on the leading side.
        assertEquals(expected, ImagePreprocessor.offset(size, crop));
    }

    @ParameterizedTest
    @CsvSource({"500,375,256,341,256", "375,500,256,256,341", "256,256,256,256,256", "100,300,32,32,96",
            "301,100,32,96,32"})
    void resizeShorterTruncatesTheLongSide(int w, int h, int size, int ew, int eh) {
        // torchvision: long = int(size * long / short): 256·500/375 = 341.33 → 341; 32·301/100 = 96.32 → 96
        RgbImage out = ImagePreprocessor.resizeShorter(ramp(w, h), size);
        assertEquals(ew, out.width());
        assertEquals(eh, out.height());
    }

    @Test
    void centerCropTakesTheMiddleWindow() {
        ImagePreprocessor.Canvas c = ImagePreprocessor.centerCrop(ramp(6, 5), 2, 3);
        // offsets: top = round(3 / 2.0) = 2, left = round(3 / 2.0) = 2 → pixel (2, 2) first
        assertEquals(3, c.width());
        assertEquals(2, c.height());
        assertEquals(10 * 2 + 2, c.rgb()[0]);
        assertEquals(10 * 4 + 3, c.rgb()[(1 * 3 + 2) * 3]);
    }

    @Test
    void centerCropLargerThanImagePadsWithZeros() {
        ImagePreprocessor.Canvas c = ImagePreprocessor.centerCrop(ramp(2, 1), 3, 2);
        // pad (3 - 1) // 2 = 1 row on top: row 0 and row 2 are zeros, row 1 holds the image
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0}, java.util.Arrays.copyOfRange(c.rgb(), 0, 6));
        assertEquals(100, c.rgb()[6 + 1]);
        assertEquals(10, c.rgb()[9]);
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0}, java.util.Arrays.copyOfRange(c.rgb(), 12, 18));
    }

    @Test
    void letterboxTruncatesTheScaledSizeAndFillsTheRestTopLeftAligned() {
        // 7×10 into 4×4: r = min(4/10, 4/7) = 0.4 → int(2.8) = 2 wide (round would give 3), int(4.0) = 4 high
        RgbImage img = ramp(7, 10);
        ImagePreprocessor.Canvas c = ImagePreprocessor.letterbox(img, 4, 4, 114f);
        RgbImage sized = PilResize.resize(img, 2, 4);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                for (int ch = 0; ch < 3; ch++) {
                    float want = x < 2 ? sized.get(x, y, ch) : 114f;
                    assertEquals(want, c.rgb()[(y * 4 + x) * 3 + ch], "pixel " + x + "," + y + "," + ch);
                }
            }
        }
    }

    @Test
    void letterboxOfWideImageFillsTheBottomRows() {
        RgbImage img = ramp(8, 4); // r = min(4/4, 4/8) = 0.5 → 4×2
        ImagePreprocessor.Canvas c = ImagePreprocessor.letterbox(img, 4, 4, 0.5f);
        for (int i = 2 * 4 * 3; i < 4 * 4 * 3; i++) {
            assertEquals(0.5f, c.rgb()[i]);
        }
    }

    @Test
    void scaleThenMeanStdPerOutputChannelInNchw() {
        // a 1×2 canvas: pixel 0 = (51, 102, 153), pixel 1 = (0, 255, 25.5)
        ImagePreprocessor.Canvas c = new ImagePreprocessor.Canvas(2, 1, new float[] {51, 102, 153, 0, 255, 25.5f});
        float[] mean = {0.1f, 0.2f, 0.3f};
        float[] std = {0.5f, 0.25f, 2f};
        Tensor t = ImagePreprocessor.toTensor(c, spec(0, null, null, null, 0, 255f, mean, std, ColorOrder.RGB,
                Layout.NCHW));
        assertArrayEquals(new long[] {1, 3, 1, 2}, t.shape());
        float[] want = {
            (51f / 255f - 0.1f) / 0.5f, (0f / 255f - 0.1f) / 0.5f,
            (102f / 255f - 0.2f) / 0.25f, (255f / 255f - 0.2f) / 0.25f,
            (153f / 255f - 0.3f) / 2f, (25.5f / 255f - 0.3f) / 2f};
        assertArrayEquals(want, t.floats(), 1e-6f);
    }

    @Test
    void bgrSwapsChannelsBeforeMeanIsApplied() {
        ImagePreprocessor.Canvas c = new ImagePreprocessor.Canvas(1, 1, new float[] {10, 20, 30});
        float[] mean = {1, 2, 3};
        Tensor t = ImagePreprocessor.toTensor(c, spec(0, null, null, null, 0, 1f, mean, null, ColorOrder.BGR,
                Layout.NCHW));
        // output channel 0 = blue (30) minus mean[0]
        assertArrayEquals(new float[] {29, 18, 7}, t.floats());
    }

    @Test
    void nhwcInterleavesChannels() {
        ImagePreprocessor.Canvas c = new ImagePreprocessor.Canvas(2, 1, new float[] {1, 2, 3, 4, 5, 6});
        Tensor t = ImagePreprocessor.toTensor(c, spec(0, null, null, null, 0, 1f, null, null, ColorOrder.RGB,
                Layout.NHWC));
        assertArrayEquals(new long[] {1, 1, 2, 3}, t.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, t.floats());
        Tensor nchw = ImagePreprocessor.toTensor(c, spec(0, null, null, null, 0, 1f, null, null, ColorOrder.RGB,
                Layout.NCHW));
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, nchw.floats());
    }

    @Test
    void plainResizeIgnoresAspectRatio() {
        ImagePreprocessor.Canvas c = ImagePreprocessor.geometry(ramp(6, 3), spec(0, null, new int[] {4, 2}, null, 0,
                1f, null, null, ColorOrder.RGB, Layout.NCHW));
        assertEquals(2, c.width());
        assertEquals(4, c.height());
    }

    @Test
    void resizeShorterThenCropGivesTheCropSize() {
        ImagePreprocessor.Canvas c = ImagePreprocessor.geometry(ramp(50, 40), spec(32, new int[] {28, 30}, null,
                null, 0, 1f, null, null, ColorOrder.RGB, Layout.NCHW));
        assertEquals(30, c.width());
        assertEquals(28, c.height());
        // equals cropping the resized image by hand: resized 40×32, top = round(4/2.0) = 2, left = round(10/2.0) = 5
        RgbImage resized = PilResize.resize(ramp(50, 40), 40, 32);
        assertEquals(resized.get(5, 2, 0), c.rgb()[0]);
        assertEquals(resized.get(5 + 29, 2 + 27, 2), c.rgb()[(27 * 30 + 29) * 3 + 2]);
    }
}
