package dev.sparkptq.data;

import dev.sparkptq.config.ImageReaderSpec;
import dev.sparkptq.config.ImageReaderSpec.ColorOrder;
import dev.sparkptq.config.ImageReaderSpec.Layout;
import dev.sparkptq.core.BadSampleException;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.DataException;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.core.TensorInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.sparkptq.data.TestData.input;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Images as a new user's files and models come (issue 12): damaged files are detected, not decoded into grey; 1- and
 * 4-channel inputs; NHWC.
 */
class ImageIntakeTest {
    @TempDir
    Path dir;

    private static ImageReaderSpec spec(int[] resize, Layout layout, float alpha) {
        return new ImageReaderSpec(null, 0, null, resize, null, 0, 1f, null, null, ColorOrder.RGB, layout, null,
                alpha);
    }

    private Tensor loadOnly(ImageReaderSpec spec, TensorInfo in) {
        DataSource ds = DataSources.create(spec, dir, List.of(in));
        return ds.load(ds.list().get(0)).inputs().get(in.name());
    }

    @Test
    void aTruncatedJpegIsABadSampleNamingTheFileNotAGreyPicture() throws IOException {
        for (double fraction : new double[] {0.5, 0.75, 0.97}) {
            Path f = BadImages.truncatedJpeg(dir.resolve("cut.jpg"), 96, 64, fraction);
            BadSampleException e = assertThrows(BadSampleException.class, () -> ImageDecoder.decode(f));
            assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("truncated or corrupt")
                    && e.getMessage().contains("skip_bad_samples"), e.getMessage());
        }
        Path whole = BadImages.good(dir.resolve("whole.jpg"), "jpg", 96, 64, 1);
        assertEquals(96, ImageDecoder.decode(whole).width(), "the same JPEG uncut decodes");
    }

    @Test
    void aPngWithFlippedBytesOrCutShortIsABadSample() throws IOException {
        Path flipped = BadImages.flippedPng(dir.resolve("flipped.png"), 64, 48);
        assertThrows(BadSampleException.class, () -> ImageDecoder.decode(flipped));
        byte[] png = BadImages.encode(BadImages.picture(64, 48, 3), "png");
        Path cut = Files.write(dir.resolve("cut.png"), java.util.Arrays.copyOf(png, png.length / 2));
        BadSampleException e = assertThrows(BadSampleException.class, () -> ImageDecoder.decode(cut));
        assertTrue(e.getMessage().contains("cut.png"), e.getMessage());
    }

    @Test
    void onlyLibjpegsExtraneousBytesNoteIsHarmless() {
        assertTrue(ImageDecoder.harmless("Corrupt JPEG data: 2 extraneous bytes before marker 0xd9"));
        assertFalse(ImageDecoder.harmless("Corrupt JPEG data: premature end of data segment"));
        assertFalse(ImageDecoder.harmless("Truncated File - Missing EOI marker"));
    }

    @Test
    void aFourChannelNhwcInputGetsRgbPlusTheConstantAlpha() throws IOException {
        TestData.writeRgb(dir.resolve("p.png"), "png", 2, 2, (x, y) -> 10, (x, y) -> 20, (x, y) -> 30);
        Tensor t = loadOnly(spec(new int[] {2, 2}, Layout.NHWC, 1f), input("img", DType.FLOAT, 1, 2, 2, 4));
        assertArrayEquals(new long[] {1, 2, 2, 4}, t.shape());
        assertArrayEquals(new float[] {10, 20, 30, 1, 10, 20, 30, 1, 10, 20, 30, 1, 10, 20, 30, 1}, t.floats());
        Tensor nchw = loadOnly(spec(new int[] {2, 2}, Layout.NCHW, 255f),
                input("img", DType.FLOAT, 1, 4, 2, 2));
        assertArrayEquals(new float[] {10, 10, 10, 10, 20, 20, 20, 20, 30, 30, 30, 30, 255, 255, 255, 255},
                nchw.floats());
    }

    @Test
    void aOneChannelInputGetsTheLuma() throws IOException {
        TestData.writeRgb(dir.resolve("p.png"), "png", 2, 1, (x, y) -> x == 0 ? 100 : 0, (x, y) -> 50,
                (x, y) -> 200);
        Tensor t = loadOnly(spec(null, Layout.NCHW, 1f), input("y", DType.FLOAT, 1, 1, 1, 2));
        assertArrayEquals(new long[] {1, 1, 1, 2}, t.shape());
        assertEquals(0.299f * 100 + 0.587f * 50 + 0.114f * 200, t.floats()[0], 1e-3);
        assertEquals(0.587f * 50 + 0.114f * 200, t.floats()[1], 1e-3);
    }

    @Test
    void channelCountsTheReaderCannotMakeAreRefused() {
        DataException e = assertThrows(DataException.class, () -> ImageDataSource.channels(
                input("x", DType.FLOAT, 1, 5, 8, 8), Layout.NCHW));
        assertTrue(e.getMessage().contains("5 channels") && e.getMessage().contains("NPY"), e.getMessage());
        assertEquals(4, ImageDataSource.channels(input("x", DType.FLOAT, 1, 8, 8, 4), Layout.NHWC));
        assertEquals(3, ImageDataSource.channels(input("x", DType.FLOAT, -1, -1, -1, -1), Layout.NCHW));
    }
}
