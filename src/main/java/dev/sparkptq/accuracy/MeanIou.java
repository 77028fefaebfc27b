package dev.sparkptq.accuracy;

import dev.sparkptq.core.DataException;
import dev.sparkptq.core.Tensor;

import java.util.Arrays;

/**
 * Mean intersection-over-union of a segmentation output [N, C, H, W]: each pixel's class is the argmax over C
 * (ties to the lower class; a pixel with a NaN score predicts nothing). The truth is the sample's label mask
 * ({@link EvalSample#mask()}, N·H·W class indices; values outside [0, C), such as 255, are ignored pixels) when the
 * data has one, else the FP32 model's argmax on the same sample (annotation-free, as {@code top1_agreement} is for
 * classifiers; a pixel where FP32 has no argmax is ignored). The aggregate is computed from per-class counts summed
 * over all samples; the per-sample value is the sample's own mean IoU (for the ranking subset).
 *
 * @param name   name in the report
 * @param output the [N, C, H, W] scores output
 */
public record MeanIou(String name, String output) implements Metric {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean higherBetter() {
        return true;
    }

    @Override
    public double perSample(EvalSample s) {
        IouCounts counts = new IouCounts();
        count(s, counts);
        return counts.value();
    }

    @Override
    public MetricAccumulator newAccumulator() {
        return new IouCounts();
    }

    @Override
    public void accumulate(MetricAccumulator accumulator, EvalSample sample) {
        count(sample, (IouCounts) accumulator);
    }

    private void count(EvalSample s, IouCounts counts) {
        Tensor out = Vectors.tensor(s.outputs(), output, name, s, "outputs");
        long[] shape = out.shape();
        if (shape.length != 4) {
            throw new DataException("metric '" + name + "' (mean_iou) needs output '" + output + "' shaped [N, C, H, "
                    + "W], got " + Arrays.toString(shape) + " for sample '" + s.id() + "'");
        }
        int classes = Math.toIntExact(shape[1]);
        int pixels = Math.toIntExact(shape[0] * shape[2] * shape[3]);
        int[] predicted = argmaxOverChannels(out.toFloats(), shape);
        int[] truth = truth(s, shape, pixels);
        counts.startSample(classes);
        for (int p = 0; p < pixels; p++) {
            if (truth[p] >= 0 && truth[p] < classes) {
                counts.pixel(truth[p], predicted[p]);
            }
        }
    }

    private int[] truth(EvalSample s, long[] shape, int pixels) {
        if (s.mask() == null) {
            Tensor ref = Vectors.tensor(s.reference(), output, name, s, "FP32 reference outputs");
            Vectors.checkSameSize(Vectors.tensor(s.outputs(), output, name, s, "outputs"), ref, output, s);
            return argmaxOverChannels(ref.toFloats(), shape);
        }
        if (s.mask().numel() != pixels) {
            throw new DataException("label mask of sample '" + s.id() + "' has " + s.mask().numel() + " elements but "
                    + "output '" + output + "' has " + pixels + " pixels (N·H·W); masks must match the output size");
        }
        float[] m = s.mask().toFloats();
        int[] t = new int[pixels];
        for (int p = 0; p < pixels; p++) {
            t[p] = Float.isNaN(m[p]) ? -1 : (int) m[p];
        }
        return t;
    }

    /** Per pixel of [N, C, H, W] (N·H·W pixels, row-major), the first class of the largest score; -1 on NaN. */
    static int[] argmaxOverChannels(float[] v, long[] shape) {
        int n = Math.toIntExact(shape[0]);
        int c = Math.toIntExact(shape[1]);
        int hw = Math.toIntExact(shape[2] * shape[3]);
        int[] out = new int[n * hw];
        for (int b = 0; b < n; b++) {
            for (int p = 0; p < hw; p++) {
                int best = -1;
                for (int k = 0; k < c; k++) {
                    float x = v[(b * c + k) * hw + p];
                    if (Float.isNaN(x)) {
                        best = -1;
                        break;
                    }
                    if (best < 0 || x > v[(b * c + best) * hw + p]) {
                        best = k;
                    }
                }
                out[b * hw + p] = best;
            }
        }
        return out;
    }
}
