package dev.sparkptq.config;

import dev.sparkptq.config.HistogramEstimatorSpec.Method;
import dev.sparkptq.config.RangeEstimatorDefaults.TensorRole;
import dev.sparkptq.config.RangeEstimatorSpec.Aggregator;
import dev.sparkptq.config.RangeEstimatorSpec.StatType;
import dev.sparkptq.config.RangeEstimatorSpec.StatisticSpec;
import dev.sparkptq.core.Granularity;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Optional;

/**
 * Binds {@code "range_estimator": {"preset": "histogram", "histogram": {...}}} (rules in
 * {@link HistogramEstimatorSpec}). The resolved estimator keeps exact extremes as its min and max sides (min of
 * per-sample min, max of per-sample max): they are the first statistics pass, which fixes the histogram's edges,
 * and the fallback a reader of the spec sees.
 */
final class HistogramEstimatorBinder {
    static final String KEY = "histogram";
    static final KeySpec KEYS = KeySpec.of("method", "bins", "percentile", "edges");

    private static final Choices<Method> METHODS = Choices.<Method>builder()
            .value("mse", Method.MSE).value("kl", Method.KL).value("percentile", Method.PERCENTILE).build();
    private static final Choices<HistogramEstimatorSpec.Edges> EDGES = Choices.<HistogramEstimatorSpec.Edges>builder()
            .value("grid", HistogramEstimatorSpec.Edges.GRID).value("extremes", HistogramEstimatorSpec.Edges.EXTREMES)
            .build();

    /** Pass 1 of a histogram estimator: the exact extremes. */
    static final StatisticSpec EXACT_MIN = new StatisticSpec(StatType.MIN, Aggregator.MIN, null, null);
    static final StatisticSpec EXACT_MAX = new StatisticSpec(StatType.MAX, Aggregator.MAX, null, null);

    static final ConfigKeys.Section DOCS = ConfigKeys.section(
                    "compression.algorithms[].params.activations.range_estimator.histogram", KEYS)
            .key("method", METHODS, "`mse`", "`mse`: minimise quantization MSE; `kl`: TensorRT's KL threshold; "
                    + "`percentile`: a two-sided percentile. With asymmetric levels, a tensor read only by a SiLU x·σ(x) "
                    + "gets the range minimising the SiLU output's error, whatever the method")
            .key("bins", "integer in [" + HistogramEstimatorSpec.MIN_BINS + ", " + HistogramEstimatorSpec.MAX_BINS
                    + "]", Integer.toString(HistogramEstimatorSpec.DEFAULT_BINS), "histogram bins (kl needs more "
                    + "per level)")
            .key("percentile", "number in (50, 100]", Double.toString(HistogramEstimatorSpec.DEFAULT_PERCENTILE),
                    "(method percentile) the percentile kept")
            .key("edges", EDGES, "`grid`", "`grid`: one statistics pass, power-of-two bins anchored at 0 (between "
                    + "bins + 1 and 2 × bins of them); `extremes`: a second pass with exactly `bins` bins over the "
                    + "first pass's extremes (twice the inference)");

    private HistogramEstimatorBinder() {
    }

    /**
     * Binds the {@code range_estimator} object {@code re} whose preset is {@code histogram}.
     *
     * @param block the enclosing {@code weights}/{@code activations} block, read (quietly) for the level count
     */
    static RangeEstimatorSpec bind(ObjectView re, ObjectView block, TensorRole role, Granularity granularity) {
        if (role == TensorRole.WEIGHTS) {
            re.problem("preset", "'histogram' applies to activations only (a weight's range is computed from its "
                    + "exact values); remove it from weights");
        } else if (granularity == Granularity.PER_CHANNEL) {
            re.problem("preset", "'histogram' ranges are per tensor; set activations.granularity to pertensor or "
                    + "use preset default");
        }
        for (String side : new String[] {"min", "max"}) {
            if (re.has(side)) {
                re.problem(side, "preset histogram estimates both ends from the histogram; remove " + side);
            }
        }
        return new RangeEstimatorSpec(EXACT_MIN, EXACT_MAX, histogram(re, levels(block)));
    }

    /** Reports a {@code histogram} block given without the histogram preset. */
    static void rejectWithoutPreset(ObjectView re) {
        if (re.has(KEY)) {
            re.problem(KEY, "only applies with \"preset\": \"histogram\"; add it or remove histogram");
        }
    }

    /**
     * The widest level count the block's scheme can have: {@code level_high − level_low + 1} when both are given
     * as integers, else {@code 2^bits} (bits 8 when absent or invalid — TensorSchemeBinder reports bad values).
     */
    private static long levels(ObjectView block) {
        JsonNode low = block.raw("level_low");
        JsonNode high = block.raw("level_high");
        if (low != null && high != null && low.canConvertToLong() && high.canConvertToLong()
                && low.isIntegralNumber() && high.isIntegralNumber() && high.longValue() > low.longValue()) {
            return high.longValue() - low.longValue() + 1;
        }
        JsonNode bits = block.raw("bits");
        boolean valid = bits != null && bits.isIntegralNumber() && bits.canConvertToInt() && bits.intValue() >= 2
                && bits.intValue() <= 16;
        return 1L << (valid ? bits.intValue() : 8);
    }

    private static HistogramEstimatorSpec histogram(ObjectView re, long levels) {
        ObjectView h = re.section(KEY, KEYS);
        Method method = h.choice("method", METHODS).orElse(Method.MSE);
        int bins = h.intValue("bins", HistogramEstimatorSpec.MIN_BINS, HistogramEstimatorSpec.MAX_BINS)
                .orElse(HistogramEstimatorSpec.DEFAULT_BINS);
        long needed = HistogramEstimatorSpec.minKlBins(levels);
        if (method == Method.KL && needed > HistogramEstimatorSpec.MAX_BINS) {
            h.problem("method", "kl needs " + HistogramEstimatorSpec.KL_BINS_PER_LEVEL + " bins per level, "
                    + needed + " for " + levels + " levels, above the maximum of " + HistogramEstimatorSpec.MAX_BINS
                    + "; use method mse or percentile");
        } else if (method == Method.KL && bins < needed) {
            h.problem("bins", "method kl needs at least " + needed + " bins (" + HistogramEstimatorSpec.KL_BINS_PER_LEVEL
                    + " per level, " + levels + " levels), got " + bins + "; raise bins or use method mse");
        }
        HistogramEstimatorSpec.Edges edges = h.choice("edges", EDGES).orElse(HistogramEstimatorSpec.Edges.GRID);
        return new HistogramEstimatorSpec(method, bins, percentile(h, method), edges);
    }

    private static double percentile(ObjectView h, Method method) {
        Optional<Double> p = h.number("percentile");
        if (p.isEmpty()) {
            return HistogramEstimatorSpec.DEFAULT_PERCENTILE;
        }
        if (method != Method.PERCENTILE) {
            h.problem("percentile", "only applies to method percentile, not to "
                    + method.name().toLowerCase(java.util.Locale.ROOT) + "; remove it");
            return HistogramEstimatorSpec.DEFAULT_PERCENTILE;
        }
        if (!(p.get() > 50 && p.get() <= 100)) {
            h.problem("percentile", "must be in (50, 100], got " + p.get());
            return HistogramEstimatorSpec.DEFAULT_PERCENTILE;
        }
        return p.get();
    }
}
