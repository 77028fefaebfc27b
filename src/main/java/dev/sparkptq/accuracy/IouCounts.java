package dev.sparkptq.accuracy;

import dev.sparkptq.core.InternalException;

import java.util.Arrays;

/**
 * Per-class pixel intersection and union counts of a segmentation, summed over samples: mean IoU over a data set
 * is the mean over classes of total intersection / total union (not a mean of per-image IoUs), so these counts are
 * what partitions must merge. Integer counts make the merge exact and order-independent.
 */
public final class IouCounts implements MetricAccumulator {
    private static final long serialVersionUID = 1L;

    private long[] intersection = new long[0];
    private long[] union = new long[0];
    private long samples;

    /** Not used: mean IoU needs class counts, not a per-sample number. */
    @Override
    public void add(double perSampleValue) {
        throw new InternalException("a mean-IoU accumulator needs per-class pixel counts; aggregate through "
                + "Metric.accumulate, not by adding per-sample values");
    }

    /** Counts one pixel: {@code truth} in [0, classes), {@code predicted} a class or -1 (no prediction). */
    void pixel(int truth, int predicted) {
        if (predicted == truth) {
            intersection[truth]++;
            union[truth]++;
            return;
        }
        union[truth]++;
        if (predicted >= 0) {
            union[predicted]++;
        }
    }

    /** Starts counting one sample of {@code classes} classes. */
    void startSample(int classes) {
        if (intersection.length == 0) {
            intersection = new long[classes];
            union = new long[classes];
        } else if (intersection.length != classes) {
            throw new InternalException("mean IoU got " + classes + " classes after " + intersection.length
                    + "; every sample of one output must have the same number of classes");
        }
        samples++;
    }

    @Override
    public void merge(MetricAccumulator other) {
        if (!(other instanceof IouCounts o)) {
            throw new InternalException("cannot merge a " + other.getClass().getSimpleName()
                    + " into IouCounts; accumulators of one metric must come from the same newAccumulator()");
        }
        if (o.intersection.length == 0) {
            samples += o.samples;
            return;
        }
        if (intersection.length == 0) {
            intersection = new long[o.intersection.length];
            union = new long[o.union.length];
        }
        if (intersection.length != o.intersection.length) {
            throw new InternalException("cannot merge mean-IoU counts of " + o.intersection.length + " classes into "
                    + intersection.length);
        }
        for (int c = 0; c < intersection.length; c++) {
            intersection[c] += o.intersection[c];
            union[c] += o.union[c];
        }
        samples += o.samples;
    }

    /**
     * Mean over the classes that occur (union &gt; 0) of intersection / union; 1 when no class occurs (every pixel
     * ignored: nothing was got wrong); NaN while empty.
     */
    @Override
    public double value() {
        if (samples == 0) {
            return Double.NaN;
        }
        double sum = 0;
        int present = 0;
        for (int c = 0; c < union.length; c++) {
            if (union[c] > 0) {
                sum += (double) intersection[c] / union[c];
                present++;
            }
        }
        return present == 0 ? 1 : sum / present;
    }

    @Override
    public long count() {
        return samples;
    }

    @Override
    public String toString() {
        return "IouCounts[samples=" + samples + ", intersection=" + Arrays.toString(intersection) + ", union="
                + Arrays.toString(union) + "]";
    }
}
