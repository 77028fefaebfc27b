package dev.sparkptq.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import javax.imageio.ImageIO;

/**
 * Damaged image files made the way they happen: a real JPEG or PNG written by ImageIO, then cut short (an interrupted
 * download or copy) or with bytes flipped (bad storage).
 */
public final class BadImages {
    private BadImages() {
    }

    /** A {@code w × h} picture with smooth gradients and some texture (so a JPEG has real entropy-coded data). */
    public static BufferedImage picture(int w, int h, int seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = (x * 255 / Math.max(1, w - 1) + seed * 40) & 0xff;
                int g = (y * 255 / Math.max(1, h - 1)) & 0xff;
                int b = ((x ^ y) * 7 + seed * 13) & 0xff;
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return img;
    }

    /** The bytes of {@code img} encoded as {@code format} ("jpg", "png"). */
    public static byte[] encode(BufferedImage img, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A good image file. */
    public static Path good(Path file, String format, int w, int h, int seed) throws IOException {
        return Files.write(file, encode(picture(w, h, seed), format));
    }

    /** A real JPEG cut at {@code fraction} of its length (the decoder fills the rest with grey and warns). */
    public static Path truncatedJpeg(Path file, int w, int h, double fraction) throws IOException {
        byte[] full = encode(picture(w, h, 1), "jpg");
        return Files.write(file, Arrays.copyOf(full, (int) (full.length * fraction)));
    }

    /** A real PNG with 40 bytes flipped in the middle of its compressed data (zlib/CRC checks fail). */
    public static Path flippedPng(Path file, int w, int h) throws IOException {
        byte[] bytes = encode(picture(w, h, 2), "png");
        for (int i = bytes.length / 2; i < bytes.length / 2 + 40; i++) {
            bytes[i] ^= 0x5a;
        }
        return Files.write(file, bytes);
    }
}
