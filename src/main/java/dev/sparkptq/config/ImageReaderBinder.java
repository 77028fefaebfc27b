package dev.sparkptq.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparkptq.config.ImageReaderSpec.ColorOrder;
import dev.sparkptq.config.ImageReaderSpec.Layout;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Binds an {@code image} reader. The geometric steps are alternatives, not a pipeline: {@code letterbox} alone,
 * {@code resize_shorter} with an optional {@code center_crop} (or a crop alone), or a plain {@code resize}; mixing
 * them is reported because the reader would have to ignore one of them.
 */
final class ImageReaderBinder {
    private static final Choices<ColorOrder> COLORS = Choices.<ColorOrder>builder()
            .value("RGB", ColorOrder.RGB).value("BGR", ColorOrder.BGR).build();
    private static final Choices<Layout> LAYOUTS = Choices.<Layout>builder()
            .value("NCHW", Layout.NCHW).value("NHWC", Layout.NHWC).build();
    private static final float DEFAULT_FILL = 114f;
    private static final int CHANNELS = 3;

    /** Whether a size may be one integer (a square) or must be {@code [height, width]}. */
    private enum SizeForm { SQUARE_OR_PAIR, PAIR_ONLY }

    private ImageReaderBinder() {
    }

    static ImageReaderSpec bind(ObjectView r, BindContext ctx) {
        int resizeShorter = r.intValue("resize_shorter", 1, Integer.MAX_VALUE).orElse(0);
        int[] centerCrop = size(r, "center_crop", SizeForm.SQUARE_OR_PAIR);
        int[] resize = size(r, "resize", SizeForm.PAIR_ONLY);
        int[] letterbox = size(r, "letterbox", SizeForm.SQUARE_OR_PAIR);
        checkGeometry(r);
        float fill = r.number("letterbox_fill").map(v -> inRange(r, "letterbox_fill", v, 0, 255, DEFAULT_FILL))
                .orElse(DEFAULT_FILL);
        float scale = r.number("scale").map(v -> positive(r, "scale", v)).orElse(1f);
        float[] mean = channels(r, "mean", false);
        float[] std = channels(r, "std", true);
        ColorOrder color = r.choice("color", COLORS).orElse(ColorOrder.RGB);
        Layout layout = r.choice("layout", LAYOUTS).orElse(Layout.NCHW);
        LabelSpec labels = LabelsBinder.bind(r, LabelsBinder.Layout.ONE_FILE_PER_SAMPLE, ctx);
        float alpha = r.number("alpha").map(Double::floatValue).orElse(ImageReaderSpec.DEFAULT_ALPHA);
        return new ImageReaderSpec(r.string("input").orElse(null), resizeShorter, centerCrop, resize, letterbox,
                fill, scale, mean, std, color, layout, labels, alpha);
    }

    private static void checkGeometry(ObjectView r) {
        List<String> others = new ArrayList<>();
        for (String k : List.of("resize_shorter", "center_crop", "resize")) {
            if (r.has(k)) {
                others.add(k);
            }
        }
        if (r.has("letterbox") && !others.isEmpty()) {
            r.problem("letterbox", "cannot be combined with " + String.join(", ", others)
                    + " (letterbox resizes by itself)");
        } else if (r.has("resize") && others.size() > 1) {
            r.problem("resize", "cannot be combined with resize_shorter or center_crop, use either resize or "
                    + "resize_shorter + center_crop");
        }
    }

    private static int[] size(ObjectView r, String key, SizeForm form) {
        JsonNode v = r.raw(key);
        if (v == null) {
            return null;
        }
        if (v.isIntegralNumber() && form == SizeForm.SQUARE_OR_PAIR) {
            return r.intValue(key, 1, Integer.MAX_VALUE).map(s -> new int[]{s, s}).orElse(null);
        }
        if (!v.isArray() || v.size() != 2) {
            r.problem(key, (form == SizeForm.PAIR_ONLY ? "expected [height, width]" : "expected an integer or "
                    + "[height, width]") + ", got " + describeShape(v));
            return null;
        }
        Optional<List<Long>> hw = JsonValues.list(v, r.path(key), r.problems(),
                (n, p) -> JsonValues.integer(n, p, r.problems(), 1, Integer.MAX_VALUE));
        return hw.map(l -> new int[]{l.get(0).intValue(), l.get(1).intValue()}).orElse(null);
    }

    private static float[] channels(ObjectView r, String key, boolean positive) {
        JsonNode v = r.raw(key);
        if (v == null) {
            return null;
        }
        if (!v.isArray() || (v.size() != CHANNELS && v.size() != 1)) {
            r.problem(key, "expected 3 numbers (one per colour channel) or 1 (for every channel, e.g. a grayscale "
                    + "input), got " + describeShape(v));
            return null;
        }
        Optional<List<Double>> values = JsonValues.list(v, r.path(key), r.problems(),
                (n, p) -> JsonValues.number(n, p, r.problems()));
        if (values.isEmpty()) {
            return null;
        }
        float[] out = new float[CHANNELS];
        for (int i = 0; i < CHANNELS; i++) {
            out[i] = values.get().get(v.size() == 1 ? 0 : i).floatValue();
            if (positive && !(out[i] > 0)) {
                r.problems().add(r.path(key) + "[" + i + "]", "must be > 0, got " + values.get().get(i));
            }
        }
        return out;
    }

    private static String describeShape(JsonNode v) {
        return v.isArray() ? "an array of " + v.size() : JsonValues.describe(v);
    }

    private static float inRange(ObjectView r, String key, double v, double lo, double hi, float fallback) {
        if (v < lo || v > hi) {
            r.problem(key, "must be between " + fmt(lo) + " and " + fmt(hi) + ", got " + v);
            return fallback;
        }
        return (float) v;
    }

    private static float positive(ObjectView r, String key, double v) {
        if (!(v > 0)) {
            r.problem(key, "must be > 0, got " + v);
            return 1f;
        }
        return (float) v;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
