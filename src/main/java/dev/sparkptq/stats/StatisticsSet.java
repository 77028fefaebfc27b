package dev.sparkptq.stats;

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
 * Every statistic one pipeline step needs, collected in one pass: the unit a Spark partition builds and the driver
 * merges (convention 2: algorithms ask for statistics as data; the driver checks every tensor arrived).
 *
 * <p>Specs are kept sorted and stored as parallel plain arrays (not as {@link StatisticSpec} records) because
 * Kryo 4 cannot write record fields. Specs that share a tensor, statistic, probability and axis are adjacent in that
 * order, so each batch output is reduced once per (statistic, probability, axis) and the reduction feeds all of them
 * (e.g. MEAN and MAX of ABS_MAX).
 */
public final class StatisticsSet implements Serializable {
    private static final long serialVersionUID = 1L;

    private String[] tensor;
    private PerSampleStat[] stat;
    private int[] axis;
    private Aggregation[] aggregation;
    /** Clipping values, NaN for none. */
    private double[] clip;
    /** Quantile probabilities, NaN for statistics without one. */
    private double[] probability;
    private StatAccumulator[] accumulators;
    /** Distinct tensor names, sorted. */
    private String[] tensorNames;
    /** Index into {@link #tensorNames} for every spec. */
    private int[] tensorIndex;
    /** Skipped NaN/±Inf elements per tensor in {@link #tensorNames}. */
    private long[] nonFiniteElements;
    private long samples;
    /** Histograms counted in the same pass (one-pass grid histograms); an empty set when none were asked for. */
    private HistogramSet histograms = HistogramSet.empty(List.of());

    private StatisticsSet(List<StatisticSpec> sorted) {
        int n = sorted.size();
        tensor = new String[n];
        stat = new PerSampleStat[n];
        axis = new int[n];
        aggregation = new Aggregation[n];
        clip = new double[n];
        probability = new double[n];
        accumulators = new StatAccumulator[n];
        tensorIndex = new int[n];
        TreeSet<String> names = new TreeSet<>();
        for (int i = 0; i < n; i++) {
            StatisticSpec s = sorted.get(i);
            tensor[i] = s.tensor();
            stat[i] = s.stat();
            axis[i] = s.channelAxis();
            aggregation[i] = s.aggregation();
            clip[i] = s.clipOrNaN();
            probability[i] = s.probabilityOrNaN();
            accumulators[i] = StatAccumulator.create(s);
            names.add(s.tensor());
        }
        tensorNames = names.toArray(new String[0]);
        for (int i = 0; i < n; i++) {
            tensorIndex[i] = Arrays.binarySearch(tensorNames, tensor[i]);
        }
        nonFiniteElements = new long[tensorNames.length];
    }

    /** A set with one empty accumulator per distinct spec (duplicates collapse). */
    public static StatisticsSet empty(Collection<StatisticSpec> specs) {
        return new StatisticsSet(new ArrayList<>(new TreeSet<>(specs)));
    }

    /**
     * A set that also counts {@code histograms} in the same pass (the one-pass grid histograms of the histogram
     * range estimators), merged along with the statistics.
     */
    public static StatisticsSet empty(Collection<StatisticSpec> specs, Collection<HistogramSpec> histograms) {
        StatisticsSet set = empty(specs);
        set.histograms = HistogramSet.empty(histograms);
        return set;
    }

    /**
     * The output name under which a runtime may deliver {@code tensor} already reduced per sample for a MIN, MAX or
     * ABS_MAX statistic (in-graph reductions, POT's {@code inplace_statistics}). Reducing such a tensor again gives
     * the same per-sample values, so {@link #addBatch} uses it instead of the full tensor when present. One
     * difference: a sample whose values include NaN/Inf then counts as non-finite as a whole (the runtime's
     * reduction cannot skip single elements), where the full tensor skips only those elements.
     */
    public static String reducedName(String tensor, PerSampleStat stat, int channelAxis) {
        return "sptq_stat__" + stat.name() + "_" + (channelAxis < 0 ? "t" : "c" + channelAxis) + "__" + tensor;
    }

    /**
     * Reduces and accumulates one batch, and counts it into the histograms. Every requested tensor must be present
     * and all share the batch size.
     *
     * @param outputs activation tensors by name (axis 0 = batch); extra entries are ignored
     */
    public void addBatch(Map<String, Tensor> outputs) {
        if (histograms.size() > 0) {
            histograms.addBatch(outputs);
        }
        Reduced shared = null;
        long batch = -1;
        for (int i = 0; i < tensor.length; i++) {
            boolean newTensor = i == 0 || !tensor[i].equals(tensor[i - 1]);
            if (newTensor || stat[i] != stat[i - 1] || axis[i] != axis[i - 1]
                    || Double.compare(probability[i], probability[i - 1]) != 0) {
                Tensor pre = outputs.get(reducedName(tensor[i], stat[i], axis[i]));
                Tensor t = pre != null ? pre : require(outputs, tensor[i]);
                batch = checkBatch(batch, t, tensor[i]);
                shared = PerSampleReducer.reduce(t, stat[i], probability[i], axis[i]);
                if (newTensor) {
                    nonFiniteElements[tensorIndex[i]] += shared.nonFinite();
                }
            }
            for (double[] row : shared.values()) {
                accumulators[i].add(row);
            }
        }
        samples += Math.max(batch, 0);
    }

    private static Tensor require(Map<String, Tensor> outputs, String name) {
        Tensor t = outputs.get(name);
        if (t == null) {
            throw new InternalException("statistics need tensor '" + name + "' but the inference returned only "
                    + new TreeSet<>(outputs.keySet()) + "; the model was not given that extra output");
        }
        return t;
    }

    private static long checkBatch(long batch, Tensor t, String name) {
        long n = t.rank() == 0 ? -1 : t.dim(0);
        if (batch >= 0 && n != batch) {
            throw new InternalException("tensor '" + name + "' has batch size " + n + " but other outputs of the "
                    + "same inference have " + batch + "; axis 0 of every calibrated activation must be the batch");
        }
        return n;
    }

    /**
     * Folds {@code other} (built from the same statistics and histogram specs, e.g. on another partition) into this
     * set.
     */
    public void merge(StatisticsSet other) {
        if (!Arrays.equals(tensor, other.tensor) || !Arrays.equals(stat, other.stat)
                || !Arrays.equals(axis, other.axis) || !Arrays.equals(aggregation, other.aggregation)
                || !Arrays.equals(clip, other.clip) || !Arrays.equals(probability, other.probability)) {
            throw new InternalException("cannot merge statistics sets built from different specs: " + specs()
                    + " vs " + other.specs());
        }
        for (int i = 0; i < accumulators.length; i++) {
            accumulators[i].merge(other.accumulators[i]);
        }
        for (int t = 0; t < nonFiniteElements.length; t++) {
            nonFiniteElements[t] += other.nonFiniteElements[t];
        }
        histograms.merge(other.histograms);
        samples += other.samples;
    }

    /** The histograms counted in this pass (empty when none were asked for). */
    public HistogramSet histograms() {
        return histograms;
    }

    /** The results, sorted by spec. */
    public SortedMap<StatisticSpec, StatResult> results() {
        TreeMap<StatisticSpec, StatResult> out = new TreeMap<>();
        for (int i = 0; i < accumulators.length; i++) {
            out.put(spec(i), accumulators[i].result());
        }
        return out;
    }

    public SortedSet<StatisticSpec> specs() {
        TreeSet<StatisticSpec> out = new TreeSet<>();
        for (int i = 0; i < tensor.length; i++) {
            out.add(spec(i));
        }
        return Collections.unmodifiableSortedSet(out);
    }

    private StatisticSpec spec(int i) {
        return new StatisticSpec(tensor[i], stat[i], axis[i], aggregation[i], Double.isNaN(clip[i]) ? null : clip[i],
                Double.isNaN(probability[i]) ? null : probability[i]);
    }

    /** The distinct tensors the specs name, sorted. */
    public SortedSet<String> tensors() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(Arrays.asList(tensorNames)));
    }

    /** Calibration samples seen (the batch sizes summed). */
    public long samples() {
        return samples;
    }

    /** NaN/±Inf activation elements skipped, per tensor (sorted), for the report and warnings. */
    public SortedMap<String, Long> nonFiniteElements() {
        TreeMap<String, Long> out = new TreeMap<>();
        for (int t = 0; t < tensorNames.length; t++) {
            out.put(tensorNames[t], nonFiniteElements[t]);
        }
        return out;
    }

    /**
     * Driver-side check before ranges are computed: every tensor must have produced a finite value for every
     * channel on at least one sample. Lists every offending tensor in one DataException.
     */
    public void requireComplete() {
        if (histograms.size() > 0) {
            histograms.requireComplete();
        }
        if (tensor.length == 0) {
            return;
        }
        if (samples == 0) {
            throw new DataException("no calibration sample reached the statistics of " + tensorNames.length
                    + " tensors; check that the data source yields samples and that stat_subset_size > 0");
        }
        List<String> problems = new ArrayList<>();
        for (int t = 0; t < tensorNames.length; t++) {
            String problem = problemOf(t);
            if (problem != null) {
                problems.add(problem);
            }
        }
        if (!problems.isEmpty()) {
            throw new DataException(String.join("; ", problems) + "; check the input data");
        }
    }

    /** Null when tensor {@code t} is complete, else one message fragment. */
    private String problemOf(int t) {
        String name = tensorNames[t];
        for (int i = 0; i < tensor.length; i++) {
            if (tensorIndex[i] != t) {
                continue;
            }
            StatResult r = accumulators[i].result();
            List<Integer> bad = new ArrayList<>();
            for (int c = 0; c < r.length(); c++) {
                if (Double.isNaN(r.value(c))) {
                    bad.add(c);
                }
            }
            if (r.length() == 0 || bad.size() == r.length()) {
                return "tensor " + name + " produced only NaN/Inf on all " + samples + " calibration samples";
            }
            if (!bad.isEmpty()) {
                return "channels " + bad + " (axis " + axis[i] + ") of tensor " + name
                        + " produced only NaN/Inf on all " + samples + " calibration samples";
            }
        }
        return null;
    }
}
