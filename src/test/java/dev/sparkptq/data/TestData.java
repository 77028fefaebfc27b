package dev.sparkptq.data;

import dev.sparkptq.core.DType;
import dev.sparkptq.core.TensorInfo;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.IntBinaryOperator;

/** Helpers shared by the data tests. */
final class TestData {
    private TestData() {
    }

    static TensorInfo input(String name, DType dtype, long... shape) {
        return new TensorInfo(name, dtype, shape);
    }

    /** Writes an RGB image whose three channels are given by functions of (x, y). */
    static Path writeRgb(Path file, String format, int w, int h, IntBinaryOperator r, IntBinaryOperator g,
                         IntBinaryOperator b) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, (r.applyAsInt(x, y) << 16) | (g.applyAsInt(x, y) << 8) | b.applyAsInt(x, y));
            }
        }
        return write(img, format, file);
    }

    static Path write(BufferedImage img, String format, Path file) {
        try {
            if (!ImageIO.write(img, format, file.toFile())) {
                throw new IllegalStateException("no writer for " + format);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static <T> T roundTrip(T value) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(value);
            }
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                return (T) in.readObject();
            }
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path sharedData() {
        String dir = System.getProperty("sparkptq.shared.dir", "/work/shared");
        return Path.of(dir, "data");
    }
}
