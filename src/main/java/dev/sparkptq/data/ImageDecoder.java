package dev.sparkptq.data;

import dev.sparkptq.core.BadSampleException;
import dev.sparkptq.core.DataException;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Decodes JPEG/PNG files with {@code javax.imageio} into 8-bit RGB, the way Pillow's {@code convert("RGB")} does:
 * grayscale is replicated, palettes are looked up, alpha is dropped (not composited).
 *
 * <p>Samples are read from the raster, not through {@code BufferedImage.getRGB}: Java treats 8-bit gray as linear
 * and would gamma-shift it on the way to sRGB, and it would apply embedded ICC profiles, neither of which Pillow does.
 *
 * <p>A damaged file is a {@link BadSampleException}, never a silently wrong picture: the JDK's JPEG reader decodes a
 * truncated file without an exception (it fills the missing part with grey) and only says so through a read warning
 * ("Premature end of JPEG file", "Missing EOI marker"), so every warning fails the decode except libjpeg's
 * "extraneous bytes before marker", which concerns bytes between segments and leaves the pixels intact. Flipped bits
 * inside JPEG's entropy-coded data cannot be detected (JPEG has no checksum); PNG's zlib and CRC checks catch them.
 */
final class ImageDecoder {
    static {
        ImageIO.setUseCache(false); // decode in memory; no temp files on executors
    }

    private ImageDecoder() {
    }

    static RgbImage decode(Path file) {
        return decode(file.toFile(), file.toString());
    }

    /**
     * An image file's bytes as read elsewhere (Spark's {@code binaryFile} source): decoded by the same ImageIO readers
     * as a local file, so the pixels are identical.
     */
    static RgbImage decode(byte[] content, String file) {
        return decode(new java.io.ByteArrayInputStream(content), file);
    }

    private static RgbImage decode(Object input, String file) {
        BufferedImage img;
        try (ImageInputStream in = ImageIO.createImageInputStream(input)) {
            if (in == null) {
                throw new BadSampleException("cannot open image " + file + "; check that it exists and is readable");
            }
            img = read(in, file);
        } catch (IOException | RuntimeException e) {
            if (e instanceof DataException d) {
                throw d;
            }
            throw new BadSampleException("cannot decode image " + file + " (" + e.getMessage() + "); only RGB, "
                    + "grayscale and palette JPEG/PNG files are supported (convert CMYK images to RGB, replace "
                    + "corrupt files" + SKIP_HINT + ")", e);
        }
        return toRgb(img, file);
    }

    /** How to go on without the file, appended to every bad-file message. */
    static final String SKIP_HINT = ", or set engine.skip_bad_samples: true to skip such files";

    private static BufferedImage read(ImageInputStream in, String file) throws IOException {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        if (!readers.hasNext()) {
            throw new BadSampleException("image " + file + " is not a JPEG or PNG file the JDK can decode; remove "
                    + "it or convert it" + SKIP_HINT);
        }
        ImageReader reader = readers.next();
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        try {
            reader.setInput(in, true, true);
            BufferedImage img = reader.read(0);
            List<String> damage = warnings.stream().filter(w -> !harmless(w)).toList();
            if (!damage.isEmpty()) {
                throw new BadSampleException("image " + file + " is truncated or corrupt (the decoder says: "
                        + String.join("; ", damage) + "); replace the file" + SKIP_HINT);
            }
            return img;
        } finally {
            reader.dispose();
        }
    }

    /** libjpeg's note about stray bytes between segments: the image data itself is complete. */
    static boolean harmless(String warning) {
        return warning != null && warning.toLowerCase(java.util.Locale.ROOT).contains("extraneous bytes");
    }

    static RgbImage toRgb(BufferedImage img, String file) {
        int w = img.getWidth();
        int h = img.getHeight();
        Raster raster = img.getRaster();
        int bands = raster.getNumBands();
        int[] samples = raster.getPixels(0, 0, w, h, (int[]) null);
        int[] rgb = new int[w * h * 3];
        if (img.getColorModel() instanceof IndexColorModel icm) {
            for (int i = 0; i < w * h; i++) {
                int idx = samples[i];
                rgb[i * 3] = icm.getRed(idx);
                rgb[i * 3 + 1] = icm.getGreen(idx);
                rgb[i * 3 + 2] = icm.getBlue(idx);
            }
            return new RgbImage(w, h, rgb);
        }
        int bits = raster.getSampleModel().getSampleSize(0);
        if (bands <= 2) {
            for (int i = 0; i < w * h; i++) {
                int v = to8(samples[i * bands], bits);
                rgb[i * 3] = v;
                rgb[i * 3 + 1] = v;
                rgb[i * 3 + 2] = v;
            }
            return new RgbImage(w, h, rgb);
        }
        int space = img.getColorModel().getColorSpace().getType();
        if (space != ColorSpace.TYPE_RGB) {
            String kind = space == ColorSpace.TYPE_CMYK ? "CMYK" : "in colour space type " + space;
            throw new BadSampleException("image " + file + " is " + kind + ", not RGB; convert it to RGB");
        }
        for (int i = 0; i < w * h; i++) {
            for (int c = 0; c < 3; c++) {
                rgb[i * 3 + c] = to8(samples[i * bands + c], bits);
            }
        }
        return new RgbImage(w, h, rgb);
    }

    /** Scales a sample of {@code bits} bits to 0..255 (16-bit keeps the high byte, as Pillow does for RGB). */
    private static int to8(int v, int bits) {
        if (bits == 8) {
            return v;
        }
        if (bits > 8) {
            return v >> (bits - 8);
        }
        return v * 255 / ((1 << bits) - 1);
    }
}
