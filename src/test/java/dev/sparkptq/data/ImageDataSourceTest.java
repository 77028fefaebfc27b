package dev.sparkptq.data;

import dev.sparkptq.config.ImageReaderSpec;
import dev.sparkptq.config.ImageReaderSpec.ColorOrder;
import dev.sparkptq.config.ImageReaderSpec.Layout;
import dev.sparkptq.config.LabelSpec;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.DataException;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.core.TensorInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.sparkptq.data.TestData.input;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ImageDataSourceTest {
    @TempDir
    Path dir;

    private static final TensorInfo MODEL_2X2 = input("x", DType.FLOAT, -1, 3, 2, 2);

    private static ImageReaderSpec raw(int[] resize, LabelSpec labels) {
        return new ImageReaderSpec(null, 0, null, resize, null, 0, 1f, null, null, ColorOrder.RGB, Layout.NCHW,
                labels);
    }

    private DataSource source(ImageReaderSpec spec, TensorInfo... inputs) {
        return DataSources.create(spec, dir, List.of(inputs));
    }

    @Test
    void listsJpegAndPngCaseInsensitivelyInFileNameOrder() throws IOException {
        TestData.writeRgb(dir.resolve("b.PNG"), "png", 2, 2, (x, y) -> 1, (x, y) -> 2, (x, y) -> 3);
        TestData.writeRgb(dir.resolve("a.jpg"), "jpg", 2, 2, (x, y) -> 1, (x, y) -> 2, (x, y) -> 3);
        TestData.writeRgb(dir.resolve("c.Jpeg"), "jpg", 2, 2, (x, y) -> 1, (x, y) -> 2, (x, y) -> 3);
        Files.writeString(dir.resolve("notes.txt"), "not an image");
        List<SampleRef> refs = source(raw(null, null), MODEL_2X2).list();
        assertEquals(List.of("a.jpg", "b.PNG", "c.Jpeg"), refs.stream().map(r -> r.id().value()).toList());
        assertNull(refs.get(0).label());
    }

    @Test
    void loadsRawPixelsInNchwWhenNothingElseIsAsked() {
        TestData.writeRgb(dir.resolve("p.png"), "png", 2, 2, (x, y) -> 10 * x + y, (x, y) -> 100 + x,
                (x, y) -> 200 - y);
        DataSource ds = source(raw(null, null), MODEL_2X2);
        Tensor t = ds.load(ds.list().get(0)).inputs().get("x");
        assertArrayEquals(new long[] {1, 3, 2, 2}, t.shape());
        assertArrayEquals(new float[] {0, 10, 1, 11, 100, 101, 100, 101, 200, 200, 199, 199}, t.floats());
    }

    @Test
    void resizesLikePillowBeforeScalingAndNormalizing() {
        // p = 70x + 10y on all channels, 4×4 → 2×2 gives [[57, 167], [73, 183]] (see PilResizeTest)
        TestData.writeRgb(dir.resolve("p.png"), "png", 4, 4, (x, y) -> 70 * x + 10 * y, (x, y) -> 70 * x + 10 * y,
                (x, y) -> 70 * x + 10 * y);
        ImageReaderSpec spec = new ImageReaderSpec(null, 0, null, new int[] {2, 2}, null, 0, 255f,
                new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.25f, 0.25f}, ColorOrder.RGB, Layout.NHWC, null);
        DataSource ds = source(spec, input("x", DType.FLOAT, 1, 2, 2, 3));
        float[] got = ds.load(ds.list().get(0)).inputs().get("x").floats();
        int[] pixels = {57, 167, 73, 183};
        for (int p = 0; p < 4; p++) {
            for (int c = 0; c < 3; c++) {
                assertEquals((pixels[p] / 255f - 0.5f) / 0.25f, got[p * 3 + c], 1e-6f);
            }
        }
    }

    @Test
    void grayscaleIsReplicatedWithoutGammaShift() {
        BufferedImage gray = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
        gray.getRaster().setSample(0, 0, 0, 77);
        gray.getRaster().setSample(1, 1, 0, 200);
        TestData.write(gray, "png", dir.resolve("g.png"));
        DataSource ds = source(raw(null, null), MODEL_2X2);
        float[] v = ds.load(ds.list().get(0)).inputs().get("x").floats();
        for (int c = 0; c < 3; c++) {
            assertEquals(77f, v[c * 4]);
            assertEquals(200f, v[c * 4 + 3]);
        }
    }

    @Test
    void paletteAndAlphaImagesBecomeRgb() {
        byte[] r = {(byte) 250, 5};
        byte[] g = {(byte) 128, 6};
        byte[] b = {9, 7};
        BufferedImage pal = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(1, 2, r, g,
                b));
        pal.getRaster().setSample(1, 0, 0, 1);
        TestData.write(pal, "png", dir.resolve("a_palette.png"));
        BufferedImage argb = new BufferedImage(2, 2, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x00123456); // fully transparent: the colour is kept, as Pillow's convert("RGB") does
        TestData.write(argb, "png", dir.resolve("b_alpha.png"));
        DataSource ds = source(raw(null, null), MODEL_2X2);
        List<SampleRef> refs = ds.list();
        float[] p = ds.load(refs.get(0)).inputs().get("x").floats();
        assertArrayEquals(new float[] {250, 5, 250, 250}, java.util.Arrays.copyOfRange(p, 0, 4));
        assertArrayEquals(new float[] {128, 6, 128, 128}, java.util.Arrays.copyOfRange(p, 4, 8));
        float[] a = ds.load(refs.get(1)).inputs().get("x").floats();
        assertEquals(0x12, a[0]);
        assertEquals(0x34, a[4]);
        assertEquals(0x56, a[8]);
    }

    @Test
    void labelsComeFromTheIndexFileLineOfTheFileNamePrefix() throws IOException {
        Files.writeString(dir.resolve("classes.txt"), "cat\ndog\nemu\n");
        for (String n : List.of("emu_1.png", "cat_x.png", "dog_2.png")) {
            TestData.writeRgb(dir.resolve(n), "png", 2, 2, (x, y) -> 0, (x, y) -> 0, (x, y) -> 0);
        }
        LabelSpec labels = new LabelSpec(LabelSpec.Source.FILENAME_PREFIX,
                dev.sparkptq.core.Location.of(dir.resolve("classes.txt")), null, null);
        List<SampleRef> refs = source(raw(null, labels), MODEL_2X2).list();
        assertEquals(List.of(0, 1, 2), refs.stream().map(SampleRef::label).toList());
    }

    @Test
    void labelsParseTheSeparatedPrefixAsAnIntegerWithoutIndexFile() {
        TestData.writeRgb(dir.resolve("7-a.png"), "png", 2, 2, (x, y) -> 0, (x, y) -> 0, (x, y) -> 0);
        LabelSpec labels = new LabelSpec(LabelSpec.Source.FILENAME_PREFIX, null, "-", null);
        DataSource ds = source(raw(null, labels), MODEL_2X2);
        SampleRef ref = ds.list().get(0);
        assertEquals(7, ref.label());
        assertEquals(7, ds.load(ref).label());
    }

    @Test
    void unknownLabelPrefixFailsNamingPrefixAndIndexFile() throws IOException {
        Files.writeString(dir.resolve("classes.txt"), "cat\n");
        TestData.writeRgb(dir.resolve("yak_1.png"), "png", 2, 2, (x, y) -> 0, (x, y) -> 0, (x, y) -> 0);
        LabelSpec labels = new LabelSpec(LabelSpec.Source.FILENAME_PREFIX,
                dev.sparkptq.core.Location.of(dir.resolve("classes.txt")), null, null);
        DataSource ds = source(raw(null, labels), MODEL_2X2);
        DataException e = assertThrows(DataException.class, ds::list);
        assertTrue(e.getMessage().contains("'yak'") && e.getMessage().contains("classes.txt"), e.getMessage());
    }

    @Test
    void emptyFolderFailsOnList() {
        DataSource ds = source(raw(null, null), MODEL_2X2);
        DataException e = assertThrows(DataException.class, ds::list);
        assertTrue(e.getMessage().contains("no jpeg/jpg/png files"), e.getMessage());
    }

    @Test
    void corruptImageFailsNamingTheFile() throws IOException {
        Files.write(dir.resolve("broken.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 1, 2, 3, 4});
        DataSource ds = source(raw(null, null), MODEL_2X2);
        DataException e = assertThrows(DataException.class, () -> ds.load(ds.list().get(0)));
        assertTrue(e.getMessage().contains("broken.jpg"), e.getMessage());
    }

    @Test
    void cmykJpegFailsNamingTheFile() throws IOException {
        java.awt.image.WritableRaster cmyk = java.awt.image.Raster.createInterleavedRaster(
                java.awt.image.DataBuffer.TYPE_BYTE, 2, 2, 4, null);
        javax.imageio.ImageWriter writer = javax.imageio.ImageIO.getImageWritersByFormatName("jpeg").next();
        try (javax.imageio.stream.ImageOutputStream out = javax.imageio.ImageIO.createImageOutputStream(
                dir.resolve("print.jpg").toFile())) {
            writer.setOutput(out);
            writer.write(null, new javax.imageio.IIOImage(cmyk, null, null), null);
        } finally {
            writer.dispose();
        }
        DataSource ds = source(raw(null, null), MODEL_2X2);
        DataException e = assertThrows(DataException.class, () -> ds.load(ds.list().get(0)));
        assertTrue(e.getMessage().contains("print.jpg") && e.getMessage().contains("CMYK"), e.getMessage());
    }

    @Test
    void outputSizeDifferentFromTheModelFailsAtCreate() {
        DataException e = assertThrows(DataException.class,
                () -> source(raw(new int[] {4, 4}, null), MODEL_2X2));
        assertTrue(e.getMessage().contains("[1, 3, 4, 4]") && e.getMessage().contains("[-1, 3, 2, 2]"),
                e.getMessage());
    }

    @Test
    void dataDependentSizeMismatchFailsAtLoadNamingTheSample() {
        TestData.writeRgb(dir.resolve("wide.png"), "png", 6, 3, (x, y) -> 0, (x, y) -> 0, (x, y) -> 0);
        ImageReaderSpec spec = new ImageReaderSpec(null, 2, null, null, null, 0, 1f, null, null, ColorOrder.RGB,
                Layout.NCHW, null);
        DataSource ds = source(spec, MODEL_2X2);
        DataException e = assertThrows(DataException.class, () -> ds.load(ds.list().get(0)));
        assertTrue(e.getMessage().contains("wide.png") && e.getMessage().contains("[1, 3, 2, 4]"), e.getMessage());
    }

    @Test
    void letterboxCombinedWithCropIsAConfigError() {
        ImageReaderSpec spec = new ImageReaderSpec(null, 0, new int[] {2, 2}, null, new int[] {2, 2}, 114, 1f, null,
                null, ColorOrder.RGB, Layout.NCHW, null);
        assertThrows(ConfigException.class, () -> source(spec, MODEL_2X2));
    }

    @Test
    void nonFloatModelInputAndMissingIndexFileFailAtCreate() {
        assertThrows(DataException.class, () -> source(raw(null, null), input("x", DType.INT64, 1, 3, 2, 2)));
        LabelSpec labels = new LabelSpec(LabelSpec.Source.FILENAME_PREFIX,
                dev.sparkptq.core.Location.of(dir.resolve("nope.txt")), null, null);
        DataException e = assertThrows(DataException.class, () -> source(raw(null, labels), MODEL_2X2));
        assertTrue(e.getMessage().contains("nope.txt"), e.getMessage());
    }

    @Test
    void survivesJavaSerializationWithLabels() throws IOException {
        Files.writeString(dir.resolve("classes.txt"), "cat\ndog\n");
        TestData.writeRgb(dir.resolve("dog_1.png"), "png", 2, 2, (x, y) -> 9, (x, y) -> 8, (x, y) -> 7);
        LabelSpec labels = new LabelSpec(LabelSpec.Source.FILENAME_PREFIX,
                dev.sparkptq.core.Location.of(dir.resolve("classes.txt")), null, null);
        DataSource ds = TestData.roundTrip(source(raw(null, labels), MODEL_2X2));
        Sample s = ds.load(ds.list().get(0));
        assertEquals(1, s.label());
        assertEquals(9f, s.inputs().get("x").floats()[0]);
    }

    /**
     * Three ImageNet validation images through Resize(256) + CenterCrop(224) with raw 0–255 output. Expected sums and
     * pixels were computed with Pillow 9.4 ({@code Image.open(f).convert("RGB").resize(size, BILINEAR).crop(box)})
     * — an independent implementation.
     */
    @Test
    void matchesPillowOnRealImagenetImages() throws IOException {
        Path folder = TestData.sharedData().resolve("imagenet-sample");
        assumeTrue(Files.isDirectory(folder), "shared ImageNet sample absent");
        String[] files = {"n01440764_tench.JPEG", "n01443537_goldfish.JPEG", "n01484850_great_white_shark.JPEG"};
        long[] sums = {17191737L, 12167358L, 22921231L};
        int[][] px100x223 = {{102, 112, 104}, {48, 66, 49}, {67, 90, 105}};
        for (String f : files) {
            Files.copy(folder.resolve(f), dir.resolve(f));
        }
        LabelSpec labels = new LabelSpec(LabelSpec.Source.FILENAME_PREFIX,
                dev.sparkptq.core.Location.of(TestData.sharedData().resolve("imagenet-wnids.txt")), "_", null);
        ImageReaderSpec spec = new ImageReaderSpec(null, 256, new int[] {224, 224}, null, null, 0, 1f, null, null,
                ColorOrder.RGB, Layout.NCHW, labels);
        DataSource ds = source(spec, input("data", DType.FLOAT, 1, 3, 224, 224));
        List<SampleRef> refs = ds.list();
        assertEquals(List.of(0, 1, 2), refs.stream().map(SampleRef::label).toList());
        for (int i = 0; i < 3; i++) {
            float[] v = ds.load(refs.get(i)).inputs().get("data").floats();
            long sum = 0;
            for (float x : v) {
                sum += (long) x;
            }
            assertEquals(sums[i], sum, files[i]); // bit-exact: same JPEG IDCT, same resize arithmetic
            for (int c = 0; c < 3; c++) {
                assertEquals((float) px100x223[i][c], v[c * 224 * 224 + 100 * 224 + 223], files[i] + " channel " + c);
            }
        }
    }
}
