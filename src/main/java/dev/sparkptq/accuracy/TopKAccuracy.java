package dev.sparkptq.accuracy;

import dev.sparkptq.core.DataException;

/**
 * 1 when the label is among the k largest values of the output (flattened per sample), else 0. Ties go to the
 * lower class index, as in a stable descending sort, so the score never depends on sort implementation details.
 * An output holding NaN scores 0: a model that emits NaN has not predicted anything.
 *
 * @param name   name in the report
 * @param output the logits output
 * @param k      how many top classes count as a hit (>= 1)
 */
public record TopKAccuracy(String name, String output, int k) implements Metric {
    private static final long serialVersionUID = 1L;

    public TopKAccuracy {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
    }

    @Override
    public boolean higherBetter() {
        return true;
    }

    @Override
    public double perSample(EvalSample s) {
        float[] logits = Vectors.tensor(s.outputs(), output, name, s, "outputs").toFloats();
        int label = label(s, logits.length);
        if (Vectors.argmax(logits) == Vectors.NO_ARGMAX) {
            return 0;
        }
        float v = logits[label];
        int ahead = 0;
        for (int j = 0; j < logits.length; j++) {
            if (logits[j] > v || (logits[j] == v && j < label)) {
                ahead++;
                if (ahead >= k) {
                    return 0;
                }
            }
        }
        return 1;
    }

    private int label(EvalSample s, int classes) {
        if (s.label() == null) {
            throw new DataException("metric '" + name + "' (top-" + k + " accuracy) needs a label but sample '"
                    + s.id() + "' has none; configure a label source or use a metric against the FP32 model");
        }
        int label = s.label();
        if (label < 0 || label >= classes) {
            throw new DataException("label " + label + " of sample '" + s.id() + "' is outside the " + classes
                    + " classes of output '" + output + "'; labels must be class indices 0.." + (classes - 1));
        }
        return label;
    }
}
