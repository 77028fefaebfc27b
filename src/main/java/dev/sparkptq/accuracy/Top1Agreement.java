package dev.sparkptq.accuracy;

import dev.sparkptq.core.Tensor;

/**
 * 1 when the evaluated model's argmax equals the FP32 model's argmax on the same sample, else 0: label-free
 * accuracy for classifiers. Ties go to the lower index; an output holding NaN has no argmax and scores 0.
 *
 * @param name   name in the report
 * @param output the logits output
 */
public record Top1Agreement(String name, String output) implements Metric {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean higherBetter() {
        return true;
    }

    @Override
    public double perSample(EvalSample s) {
        Tensor out = Vectors.tensor(s.outputs(), output, name, s, "outputs");
        Tensor ref = Vectors.tensor(s.reference(), output, name, s, "FP32 reference outputs");
        Vectors.checkSameSize(out, ref, output, s);
        int a = Vectors.argmax(out.toFloats());
        int b = Vectors.argmax(ref.toFloats());
        return a != Vectors.NO_ARGMAX && a == b ? 1 : 0;
    }
}
