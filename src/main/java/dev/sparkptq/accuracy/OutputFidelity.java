package dev.sparkptq.accuracy;

import dev.sparkptq.accuracy.FidelityAccumulator.Fidelity;
import dev.sparkptq.core.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Fidelity to the FP32 model over every output it reads, the worst output deciding: the accuracy measure of
 * label-free accuracy control (a detector's boxes count as much as its scores, a landmark model's confidence as much
 * as its points). {@link Fidelity#COSINE}: the lowest mean cosine over outputs, higher-better, so the drop is
 * {@code 1 − cosine}; {@link Fidelity#SQNR}: the highest noise-to-signal energy ratio {@code Σ(x−x̂)²/Σx²}
 * (= 10^(−SQNR/10)), lower-better and 0 for FP32, so the drop is that ratio ({@code 0.01} ⇔ 20 dB).
 *
 * <p>Per sample (ranking subsets) the value is the worst output's cosine or ratio on that sample alone.
 *
 * @param name     name in the report
 * @param outputs  the outputs compared, in model order
 * @param fidelity the measure
 */
public record OutputFidelity(String name, List<String> outputs, Fidelity fidelity) implements Metric {
    private static final long serialVersionUID = 1L;

    public OutputFidelity {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(fidelity, "fidelity");
        outputs = List.copyOf(outputs);
    }

    @Override
    public boolean higherBetter() {
        return fidelity == Fidelity.COSINE;
    }

    @Override
    public double perSample(EvalSample sample) {
        return FidelityAccumulator.perSample(read(sample, sample.outputs(), "outputs"),
                read(sample, sample.reference(), "FP32 reference outputs"), fidelity);
    }

    @Override
    public MetricAccumulator newAccumulator() {
        return new FidelityAccumulator(fidelity);
    }

    @Override
    public void accumulate(MetricAccumulator accumulator, EvalSample sample) {
        ((FidelityAccumulator) accumulator).add(read(sample, sample.outputs(), "outputs"),
                read(sample, sample.reference(), "FP32 reference outputs"));
    }

    private Map<String, Tensor> read(EvalSample s, Map<String, Tensor> tensors, String which) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String o : outputs) {
            out.put(o, Vectors.tensor(tensors, o, name, s, which));
        }
        return out;
    }
}
