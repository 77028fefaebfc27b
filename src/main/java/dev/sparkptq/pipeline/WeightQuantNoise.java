package dev.sparkptq.pipeline;

import dev.sparkptq.core.DType;
import dev.sparkptq.core.QuantMath;
import dev.sparkptq.core.QuantParams;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.plan.QuantizationPlan;
import dev.sparkptq.plan.QuantizationPoint;
import dev.sparkptq.plan.QuantizerParameters;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Weight quantization error, computed on the driver: each FP32 weight against its dequantized value
 * {@code (clamp(round(w/s)+zp) − zp)·s} with the parameters the quantized model stores. No sample is involved, so
 * {@link QuantNoise.Result#samples()} is 0.
 */
final class WeightQuantNoise {
    private WeightQuantNoise() {
    }

    /** Weight tensor → noise totals, in plan order; weights without a decodable FLOAT value are skipped. */
    static Map<String, QuantNoise.Result> measure(QuantizationPlan plan, ModelGraph graph, QuantizerParameters qp) {
        Map<String, QuantNoise.Result> out = new LinkedHashMap<>();
        for (QuantizationPoint p : plan.weights()) {
            Optional<Tensor> w = graph.constantValue(p.tensor());
            QuantParams params = qp.params().get(p.id());
            if (w.isPresent() && w.get().dtype() == DType.FLOAT && params != null && !out.containsKey(p.tensor())) {
                out.put(p.tensor(), of(w.get(), params));
            }
        }
        return out;
    }

    /** Σw² and Σ(w − ŵ)² of one weight. */
    static QuantNoise.Result of(Tensor weight, QuantParams p) {
        float[] w = weight.floats();
        long inner = innerSize(weight.shape(), p);
        QuantNoiseSums sums = new QuantNoiseSums();
        float[] dq = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            int c = p.perChannel() ? (int) ((i / inner) % p.scale().length) : 0;
            float s = p.scale()[c];
            int zp = p.zeroPoint()[c];
            dq[i] = QuantMath.dequantize(QuantMath.quantize(w[i], s, zp, p.levelLow(), p.levelHigh()), s, zp);
        }
        QuantNoise.Result r = sums.add("w", w, dq).results().get("w");
        return new QuantNoise.Result(r.signal(), r.noise(), 0, r.nonFinite());
    }

    private static long innerSize(long[] shape, QuantParams p) {
        long inner = 1;
        for (int d = p.axis() + 1; p.perChannel() && d < shape.length; d++) {
            inner *= shape[d];
        }
        return inner;
    }
}
