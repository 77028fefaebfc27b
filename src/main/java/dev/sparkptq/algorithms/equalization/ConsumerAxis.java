package dev.sparkptq.algorithms.equalization;

import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.Node;

/**
 * Where input channel {@code c} of a consumer lives in its weight, for the layouts a {@link Link} accepts.
 *
 * <ul>
 *   <li>Conv, weight {@code [O, C/g, k...]}: input channel {@code c} is column {@code c mod (C/g)} of the output rows of
 *       its group {@code c / (C/g)} — a depthwise Conv ({@code g = C}) has one row per channel, a channel multiplier
 *       {@code m} gives {@code m} rows;</li>
 *   <li>ConvTranspose (group 1), weight {@code [C, O, k...]}: input channel {@code c} is the block {@code W[c]}.</li>
 * </ul>
 * The producer side is simpler: output channel {@code c} of a Conv is the contiguous block {@code W1[c]}.
 */
final class ConsumerAxis {
    private ConsumerAxis() {
    }

    /** The consumer's input channel count, from its weight shape and group. */
    static long inputChannels(Node consumer, Tensor w) {
        if (consumer.opType().equals("ConvTranspose")) {
            return w.shape()[0];
        }
        return w.shape()[1] * consumer.intAttr("group", 1);
    }

    /** Calls {@code visit.at(c, from, to)} for every contiguous block of weight elements that input channel c scales. */
    static void forEachBlock(Node consumer, long[] shape, int channels, Block visit) {
        int numel = (int) Tensor.numel(shape);
        if (consumer.opType().equals("ConvTranspose")) {
            int per = numel / channels;
            for (int c = 0; c < channels; c++) {
                visit.at(c, c * per, (c + 1) * per);
            }
            return;
        }
        int outputs = (int) shape[0];
        int perGroup = (int) shape[1];
        int taps = numel / (outputs * perGroup);
        int groups = channels / perGroup;
        int rowsPerGroup = outputs / groups;
        for (int o = 0; o < outputs; o++) {
            int group = o / rowsPerGroup;
            for (int j = 0; j < perGroup; j++) {
                int from = (o * perGroup + j) * taps;
                visit.at(group * perGroup + j, from, from + taps);
            }
        }
    }

    /** {@code max |W[..c..]|} per input channel. */
    static double[] inputAbsMax(Node consumer, Tensor w, int channels) {
        float[] v = w.floats();
        double[] r = new double[channels];
        forEachBlock(consumer, w.shape(), channels, (c, from, to) -> {
            for (int i = from; i < to; i++) {
                r[c] = Math.max(r[c], Math.abs(v[i]));
            }
        });
        return r;
    }

    /** {@code max |W1[c]|} per output channel of a producer Conv. */
    static double[] outputAbsMax(Tensor w, int channels) {
        float[] v = w.floats();
        int per = v.length / channels;
        double[] r = new double[channels];
        for (int i = 0; i < v.length; i++) {
            r[i / per] = Math.max(r[i / per], Math.abs(v[i]));
        }
        return r;
    }

    /** One contiguous run of weight elements belonging to input channel {@code c}. */
    @FunctionalInterface
    interface Block {
        void at(int c, int from, int to);
    }
}
