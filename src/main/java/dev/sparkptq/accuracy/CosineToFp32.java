package dev.sparkptq.accuracy;

import dev.sparkptq.config.MetricSpec.Pooling;
import dev.sparkptq.core.Tensor;

import java.util.Objects;

/**
 * Cosine similarity between the evaluated model's output and the FP32 model's output on the same sample: the
 * accuracy proxy for embedding models, which have no labels. With {@link Pooling#MEAN} each [1, seq, hidden]
 * output is first reduced to the attention-mask-weighted mean over tokens, i.e. the sentence embedding users
 * actually compare (padding tokens must not count); a [rows, seq, hidden] output (a sentence pair runs as a batch
 * of 2) scores the mean of its rows' cosines.
 *
 * @param name    name in the report
 * @param output  the output compared
 * @param pooling how an output becomes one vector
 */
public record CosineToFp32(String name, String output, Pooling pooling) implements Metric {
    private static final long serialVersionUID = 1L;

    /** The input that marks real tokens (1) and padding (0), as Hugging Face tokenizers name it. */
    public static final String ATTENTION_MASK = "attention_mask";

    public CosineToFp32 {
        Objects.requireNonNull(pooling, "pooling");
    }

    @Override
    public boolean higherBetter() {
        return true;
    }

    @Override
    public double perSample(EvalSample s) {
        Tensor out = Vectors.tensor(s.outputs(), output, name, s, "outputs");
        Tensor ref = Vectors.tensor(s.reference(), output, name, s, "FP32 reference outputs");
        Vectors.checkSameSize(out, ref, output, s);
        return switch (pooling) {
            case NONE -> Vectors.cosine(Vectors.flatten(out), Vectors.flatten(ref));
            case MEAN -> {
                Tensor mask = s.inputs().get(ATTENTION_MASK);
                double[][] a = Vectors.meanPoolRows(out, mask, s, output);
                double[][] b = Vectors.meanPoolRows(ref, mask, s, output);
                double sum = 0;
                for (int r = 0; r < a.length; r++) {
                    sum += Vectors.cosine(a[r], b[r]);
                }
                yield sum / a.length;
            }
        };
    }
}
