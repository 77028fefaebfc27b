package dev.sparkptq.stats;

import dev.sparkptq.core.DType;
import dev.sparkptq.core.DataException;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.core.Tensor;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Every histogram one statistics pass builds, one per tensor: what a partition fills and the driver merges, the
 * histogram counterpart of {@link StatisticsSet}.
 *
 * <p>Specs are stored as parallel plain arrays, sorted by tensor, because Kryo 4 cannot write record fields.
 * Merging adds counts, so the merged set is exactly the same for any partitioning and any merge order.
 */
public final class HistogramSet implements Serializable {
    private static final long serialVersionUID = 1L;

    private String[] tensor;
    private HistogramSpec.Domain[] domain;
    private HistogramSpec.Binning[] binning;
    private double[] low;
    private double[] high;
    private int[] bins;
    private HistogramCounter[] accumulators;
    private long samples;

    private HistogramSet(List<HistogramSpec> sorted) {
        int n = sorted.size();
        tensor = new String[n];
        domain = new HistogramSpec.Domain[n];
        binning = new HistogramSpec.Binning[n];
        low = new double[n];
        high = new double[n];
        bins = new int[n];
        accumulators = new HistogramCounter[n];
        for (int i = 0; i < n; i++) {
            HistogramSpec s = sorted.get(i);
            if (i > 0 && s.tensor().equals(tensor[i - 1])) {
                throw new InternalException("two histograms requested for tensor '" + s.tensor() + "': "
                        + sorted.get(i - 1) + " and " + s + "; one histogram per tensor");
            }
            tensor[i] = s.tensor();
            domain[i] = s.domain();
            binning[i] = s.binning();
            low[i] = s.low();
            high[i] = s.high();
            bins[i] = s.bins();
            accumulators[i] = s.newCounter();
        }
    }

    /** A set of empty histograms, one per spec (identical specs collapse; two for one tensor are refused). */
    public static HistogramSet empty(Collection<HistogramSpec> specs) {
        List<HistogramSpec> sorted = new ArrayList<>(new java.util.LinkedHashSet<>(specs));
        sorted.sort(null);
        return new HistogramSet(sorted);
    }

    /**
     * Counts every element of one batch of each histogrammed tensor.
     *
     * @param outputs activation tensors by name (axis 0 = batch); extra entries are ignored
     */
    public void addBatch(Map<String, Tensor> outputs) {
        long batch = -1;
        for (int i = 0; i < tensor.length; i++) {
            Tensor t = outputs.get(tensor[i]);
            if (t == null) {
                throw new InternalException("a histogram needs tensor '" + tensor[i] + "' but the inference returned"
                        + " only " + new TreeSet<>(outputs.keySet()) + "; the model was not given that extra output");
            }
            if (t.dtype() != DType.FLOAT || t.rank() < 1) {
                throw new InternalException("histograms need a FLOAT tensor with a batch axis, got " + t + " for '"
                        + tensor[i] + "'; only float activations are calibrated");
            }
            if (batch >= 0 && t.dim(0) != batch) {
                throw new InternalException("tensor '" + tensor[i] + "' has batch size " + t.dim(0) + " but other "
                        + "outputs of the same inference have " + batch + "; axis 0 must be the batch");
            }
            batch = t.dim(0);
            accumulators[i].add(t.floats());
        }
        samples += Math.max(batch, 0);
    }

    /** Adds {@code other}'s counts (built from the same specs, e.g. on another partition) to this set. */
    public void merge(HistogramSet other) {
        if (!Arrays.equals(tensor, other.tensor) || !Arrays.equals(domain, other.domain)
                || !Arrays.equals(binning, other.binning) || !Arrays.equals(low, other.low) || !Arrays.equals(high, other.high)
                || !Arrays.equals(bins, other.bins)) {
            throw new InternalException("cannot merge histogram sets built from different specs: " + specs()
                    + " vs " + other.specs());
        }
        for (int i = 0; i < accumulators.length; i++) {
            accumulators[i].merge(other.accumulators[i]);
        }
        samples += other.samples;
    }

    /**
     * A set holding this set's histograms and {@code other}'s (e.g. the one-pass grid histograms and a second
     * pass's fixed-edge ones), for tensors that appear in only one of them; shares their counters.
     */
    public HistogramSet union(HistogramSet other) {
        List<HistogramSpec> all = new ArrayList<>(specs());
        all.addAll(other.specs());
        HistogramSet out = empty(all);
        for (int i = 0; i < out.tensor.length; i++) {
            int mine = Arrays.asList(tensor).indexOf(out.tensor[i]);
            out.accumulators[i] = mine >= 0 ? accumulators[mine]
                    : other.accumulators[Arrays.asList(other.tensor).indexOf(out.tensor[i])];
        }
        out.samples = Math.max(samples, other.samples);
        return out;
    }

    /** Tensor → histogram, sorted by tensor. */
    public SortedMap<String, Histogram> results() {
        TreeMap<String, Histogram> out = new TreeMap<>();
        for (int i = 0; i < tensor.length; i++) {
            out.put(tensor[i], accumulators[i].result());
        }
        return out;
    }

    public List<HistogramSpec> specs() {
        List<HistogramSpec> out = new ArrayList<>();
        for (int i = 0; i < tensor.length; i++) {
            out.add(new HistogramSpec(tensor[i], domain[i], binning[i], low[i], high[i], bins[i]));
        }
        return out;
    }

    /** Number of histograms. */
    public int size() {
        return tensor.length;
    }

    /** The histogrammed tensors, sorted. */
    public SortedSet<String> tensors() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(Arrays.asList(tensor)));
    }

    /** Calibration samples seen (batch sizes summed). */
    public long samples() {
        return samples;
    }

    /** Driver-side check: every histogram counted at least one finite value; lists every offender at once. */
    public void requireComplete() {
        List<String> empty = new ArrayList<>();
        for (int i = 0; i < tensor.length; i++) {
            if (accumulators[i].result().total() == 0) {
                empty.add(tensor[i]);
            }
        }
        if (!empty.isEmpty()) {
            throw new DataException("the histogram pass counted no finite value of " + empty + " over " + samples
                    + " calibration samples; check that the data source yields the same samples on every pass");
        }
    }
}
