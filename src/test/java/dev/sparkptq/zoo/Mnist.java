package dev.sparkptq.zoo;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkptq.core.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** MNIST digits of ../shared/data/mnist as [1,1,28,28] in [0,1]: calibration from each digit's first samples. */
final class Mnist {
    private static final int PIXELS = 784;

    private Mnist() {
    }

    /** {@code n} digits, cycling over the classes; held-out digits come from the back of each class's file. */
    static List<Tensor> digits(Path folder, TextImages.Split split, int n) {
        List<List<float[]>> perClass = new ArrayList<>();
        int perDigit = (n + 9) / 10;
        for (int d = 0; d < 10; d++) {
            perClass.add(read(folder.resolve(d + ".json"), perDigit, split == TextImages.Split.HELD_OUT));
        }
        List<Tensor> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] px = perClass.get(i % 10).get(i / 10);
            out.add(Tensor.ofFloats(new long[] {1, 1, 28, 28}, px));
        }
        return out;
    }

    private static List<float[]> read(Path file, int count, boolean fromEnd) {
        List<float[]> all = new ArrayList<>();
        try (JsonParser p = new ObjectMapper().getFactory().createParser(file.toFile())) {
            float[] cur = new float[PIXELS];
            int k = 0;
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
                    cur[k++] = p.getFloatValue();
                    if (k == PIXELS) {
                        all.add(cur);
                        cur = new float[PIXELS];
                        k = 0;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int from = fromEnd ? Math.max(0, all.size() - count) : 0;
        return all.subList(from, Math.min(all.size(), from + count));
    }
}
