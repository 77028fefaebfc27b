package dev.sparkptq.accuracy;

import dev.sparkptq.core.DataException;
import dev.sparkptq.core.Tensor;

/**
 * STS-style quality of a sentence-embedding model: Spearman's rank correlation, over all sentence pairs, between
 * the cosine of the pair's two mean-pooled embeddings and the pair's gold similarity score (the sample's
 * {@link EvalSample#target()}). Each sample is one pair run as a batch of 2 ([2, seq, hidden] output, [2, seq]
 * attention mask), as the text reader's {@code pairs} format produces.
 *
 * <p>A rank correlation has no per-sample value: {@link #perSample} is the pair's cosine, which only feeds the
 * accumulator, and {@link #hasPerSampleValues()} is false so the accuracy-aware ranking uses output distance.
 *
 * @param name   name in the report
 * @param output the [batch, seq, hidden] token-embedding output
 */
public record SpearmanCorrelation(String name, String output) implements Metric {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean higherBetter() {
        return true;
    }

    @Override
    public boolean hasPerSampleValues() {
        return false;
    }

    /** The cosine between the pair's two mean-pooled embeddings. */
    @Override
    public double perSample(EvalSample s) {
        Tensor out = Vectors.tensor(s.outputs(), output, name, s, "outputs");
        double[][] rows = Vectors.meanPoolRows(out, s.inputs().get(CosineToFp32.ATTENTION_MASK), s, output);
        if (rows.length != 2) {
            throw new DataException("metric '" + name + "' (spearman) needs sentence pairs, a batch of 2 per sample, "
                    + "but sample '" + s.id() + "' has " + rows.length + " rows; use the text reader with "
                    + "format \"pairs\"");
        }
        return Vectors.cosine(rows[0], rows[1]);
    }

    @Override
    public MetricAccumulator newAccumulator() {
        return new PairsAccumulator();
    }

    @Override
    public void accumulate(MetricAccumulator accumulator, EvalSample sample) {
        if (sample.target() == null) {
            throw new DataException("metric '" + name + "' (spearman) needs a gold score but sample '" + sample.id()
                    + "' has none; use the text reader with format \"pairs\" and a score_column");
        }
        ((PairsAccumulator) accumulator).add(perSample(sample), sample.target());
    }
}
