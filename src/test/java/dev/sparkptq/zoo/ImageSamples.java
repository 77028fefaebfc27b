package dev.sparkptq.zoo;

import dev.sparkptq.config.ConfigLoader;
import dev.sparkptq.config.ConfigOverrides;
import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.core.TensorInfo;
import dev.sparkptq.data.DataSource;
import dev.sparkptq.data.DataSources;
import dev.sparkptq.data.SampleRef;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Photos turned into a model's input by the project's own image reader (the same resize, crop, letterbox, scaling,
 * colour order and layout a user's config gives), plus the steps no reader key covers ({@link ZooModel.Post}).
 */
final class ImageSamples {
    private ImageSamples() {
    }

    /** The tensors of {@code count} images of {@code folder} picked evenly over its sorted files. */
    static List<Tensor> load(ZooModel model, Path folder, int count) {
        String json = "{\"model\": {\"model\": \"" + esc(model.file()) + "\"}, \"engine\": {\"data_source\": \""
                + esc(folder) + "\", \"reader\": " + model.reader().replaceFirst("\\{", "{\"type\": \"image\", ")
                + "}}";
        PtqConfig config = ConfigLoader.fromJson(json, Path.of("").toAbsolutePath(), ConfigOverrides.none());
        TensorInfo input = new TensorInfo("image", DType.FLOAT, model.inputShape());
        DataSource source = DataSources.create(config.engine().reader(), folder, List.of(input));
        List<SampleRef> refs = evenly(source.list(), count);
        List<Tensor> out = new ArrayList<>();
        for (SampleRef ref : refs) {
            out.add(post(model.post(), source.load(ref).inputs().get("image")));
        }
        return out;
    }

    /** {@code count} items spread evenly over {@code all} (all of them when there are fewer). */
    static <T> List<T> evenly(List<T> all, int count) {
        if (count >= all.size()) {
            return all;
        }
        List<T> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(all.get((int) ((long) i * all.size() / count)));
        }
        return out;
    }

    static Tensor post(ZooModel.Post post, Tensor t) {
        return switch (post) {
            case NONE -> t;
            case ALPHA_ONE -> alphaOne(t);
            case LUMA -> luma(t);
        };
    }

    /** [1,H,W,3] → [1,H,W,4] with a constant 1 in the fourth channel. */
    private static Tensor alphaOne(Tensor t) {
        long[] s = t.shape();
        float[] rgb = t.floats();
        int pixels = (int) (s[1] * s[2]);
        float[] out = new float[pixels * 4];
        for (int p = 0; p < pixels; p++) {
            System.arraycopy(rgb, p * 3, out, p * 4, 3);
            out[p * 4 + 3] = 1f;
        }
        return Tensor.ofFloats(new long[] {1, s[1], s[2], 4}, out);
    }

    /** [1,3,H,W] RGB → [1,1,H,W] Y = 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601, as PIL's YCbCr). */
    private static Tensor luma(Tensor t) {
        long[] s = t.shape();
        float[] rgb = t.floats();
        int plane = (int) (s[2] * s[3]);
        float[] y = new float[plane];
        for (int p = 0; p < plane; p++) {
            y[p] = 0.299f * rgb[p] + 0.587f * rgb[plane + p] + 0.114f * rgb[2 * plane + p];
        }
        return Tensor.ofFloats(new long[] {1, 1, s[2], s[3]}, y);
    }

    private static String esc(Path p) {
        return p.toAbsolutePath().toString().replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
