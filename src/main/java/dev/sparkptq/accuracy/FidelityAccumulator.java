package dev.sparkptq.accuracy;

import dev.sparkptq.core.InternalException;
import dev.sparkptq.core.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-output fidelity of a model to its FP32 reference, summed over samples: for every output the mean per-sample
 * cosine (pooled across samples for an output of one value per sample), the pooled signal and error energies (SQNR
 * {@code 10·log10(Σx² / Σ(x−x̂)²)} over all samples) and, for an output that is class scores (a score vector per
 * sample whose FP32 values are probabilities or exchangeable logits, see {@link OutputSums}), the share of samples
 * whose argmax agrees. Sums only, so merge is exact, associative and commutative, and the empty accumulator
 * is its identity; outputs are kept in the order first seen and merged by name.
 *
 * <p>{@link #value()} is the worst output's figure in the {@link Fidelity} measure: the lowest mean cosine, or the
 * highest noise-to-signal energy ratio {@code Σ(x−x̂)²/Σx²} (= 10^(−SQNR/10)). The worst output decides because a
 * model whose score map is faithful but whose box regressions are not is broken all the same.
 */
public final class FidelityAccumulator implements MetricAccumulator {
    private static final long serialVersionUID = 1L;

    /** What "fidelity" means for {@link #value()}. */
    public enum Fidelity {
        /** mean per-sample cosine to FP32; higher is better, FP32 itself scores 1 */
        COSINE,
        /** noise-to-signal energy ratio to FP32 (10^(−SQNR/10)); lower is better, FP32 itself scores 0 */
        SQNR
    }

    /**
     * One output's figures. {@code argmaxAgreement} is null when the output is not class scores; {@code pooled} when
     * the output is one value per sample and its cosine is that of the vector of its values across samples
     * ({@link OutputSums}).
     */
    public record OutputScore(String output, double cosine, double sqnrDb, double noiseToSignal,
                              Double argmaxAgreement, long samples, boolean pooled) {
    }

    private final Fidelity fidelity;
    private final Map<String, OutputSums> sums = new LinkedHashMap<>();
    private long count;

    public FidelityAccumulator(Fidelity fidelity) {
        this.fidelity = fidelity;
    }

    /** Not used: fidelity needs the tensors of each output, not one number per sample. */
    @Override
    public void add(double perSampleValue) {
        throw new InternalException("a fidelity accumulator needs each sample's outputs; aggregate through "
                + "Metric.accumulate or add(outputs, reference)");
    }

    /**
     * Adds one sample: every output of {@code reference} compared with the same-named tensor of {@code outputs}.
     * An output missing from {@code outputs} or of another size is a bug of the caller.
     */
    public void add(Map<String, Tensor> outputs, Map<String, Tensor> reference) {
        for (Map.Entry<String, Tensor> e : reference.entrySet()) {
            Tensor q = outputs.get(e.getKey());
            if (q == null || q.numel() != e.getValue().numel()) {
                throw new InternalException("output '" + e.getKey() + "' is " + (q == null ? "missing" : "of "
                        + q.numel() + " elements instead of " + e.getValue().numel()) + " in the evaluated model");
            }
            sums.computeIfAbsent(e.getKey(), k -> new OutputSums((int) e.getValue().numel(),
                    scoreVector(e.getValue().shape()))).add(Vectors.flatten(e.getValue()), Vectors.flatten(q));
        }
        count++;
    }

    /**
     * Per-sample fidelity of one sample (for ranking subsets): the worst output's cosine, or its noise-to-signal
     * ratio, in the given measure.
     */
    public static double perSample(Map<String, Tensor> outputs, Map<String, Tensor> reference, Fidelity fidelity) {
        FidelityAccumulator one = new FidelityAccumulator(fidelity);
        one.add(outputs, reference);
        return one.value();
    }

    @Override
    public void merge(MetricAccumulator other) {
        if (!(other instanceof FidelityAccumulator f) || f.fidelity != fidelity) {
            throw new InternalException("cannot merge a " + other.getClass().getSimpleName() + " into a "
                    + fidelity + " FidelityAccumulator; accumulators of one metric must come from the same "
                    + "newAccumulator()");
        }
        f.sums.forEach((k, v) -> sums.computeIfAbsent(k, x -> v.empty()).merge(v));
        count += f.count;
    }

    /** The worst output's figure in this accumulator's measure; NaN while empty. */
    @Override
    public double value() {
        OutputScore w = worst();
        if (w == null) {
            return Double.NaN;
        }
        return fidelity == Fidelity.COSINE ? w.cosine() : w.noiseToSignal();
    }

    @Override
    public long count() {
        return count;
    }

    /** Every output's figures, in the order the outputs were first seen. */
    public List<OutputScore> scores() {
        List<OutputScore> out = new ArrayList<>();
        sums.forEach((k, v) -> out.add(v.score(k)));
        return out;
    }

    /** The output that decides: lowest cosine (COSINE) or lowest SQNR (SQNR); the first on ties; null when empty. */
    public OutputScore worst() {
        OutputScore worst = null;
        for (OutputScore s : scores()) {
            if (worst == null || (fidelity == Fidelity.COSINE ? s.cosine() < worst.cosine()
                    : s.noiseToSignal() > worst.noiseToSignal())) {
                worst = s;
            }
        }
        return worst;
    }

    /** Shaped as one score vector per sample: exactly one axis longer than 1 (a [1, C] vector; values decide more). */
    static boolean scoreVector(long[] shape) {
        int longer = 0;
        for (long d : shape) {
            if (d > 1) {
                longer++;
            }
        }
        return longer == 1;
    }
}
