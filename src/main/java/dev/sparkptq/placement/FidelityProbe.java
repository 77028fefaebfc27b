package dev.sparkptq.placement;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.accuracy.FidelityAccumulator;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.core.TensorInfo;
import dev.sparkptq.runtime.EngineFactory;
import dev.sparkptq.runtime.EngineOptions;
import dev.sparkptq.runtime.InferenceEngine;
import dev.sparkptq.runtime.ModelBlob;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Every output of a candidate model compared with the FP32 reference on a few calibration inputs, through the runtime
 * seam. The reference outputs are computed once; each candidate's session is evicted after use (a search opens
 * dozens). Inputs whose FP32 outputs are not finite give no figure.
 */
public final class FidelityProbe implements FidelityPlacement.Measure {
    private final EngineFactory engines;
    private final BiFunction<OnnxMl.ModelProto, String, ModelBlob> blobs;
    private final List<Map<String, Tensor>> inputs = new ArrayList<>();
    private final List<Map<String, Tensor>> references = new ArrayList<>();
    private final List<String> outputs;
    private int made;

    public FidelityProbe(EngineFactory engines, BiFunction<OnnxMl.ModelProto, String, ModelBlob> blobs,
                  OnnxMl.ModelProto reference, List<Map<String, Tensor>> samples) {
        this.engines = engines;
        this.blobs = blobs;
        ModelBlob blob = blobs.apply(reference, "fidelity-probe-fp32");
        try {
            InferenceEngine f = engines.open(blob, EngineOptions.forInference(1));
            outputs = f.outputs().stream().map(TensorInfo::name).toList();
            for (Map<String, Tensor> in : samples) {
                Map<String, Tensor> out = f.run(in, outputs);
                if (finite(out)) {
                    inputs.add(in);
                    references.add(out);
                }
            }
        } finally {
            engines.evict(blob.digest());
        }
    }

    /** Inputs with a finite FP32 reference (0: nothing can be measured). */
    public int samples() {
        return inputs.size();
    }

    @Override
    public FidelityPlacement.Score measure(OnnxMl.ModelProto model) {
        return FidelityPlacement.Score.of(compare(model, FidelityAccumulator.Fidelity.SQNR).scores());
    }

    /** Every output of {@code model} against the FP32 references, {@code metric} deciding the worst output. */
    public FidelityAccumulator compare(OnnxMl.ModelProto model, FidelityAccumulator.Fidelity metric) {
        ModelBlob blob = blobs.apply(model, "fidelity-probe-" + made++);
        FidelityAccumulator acc = new FidelityAccumulator(metric);
        try { // sessions are the factory's (cached per model): evicted, not closed, as the speed guard does
            InferenceEngine q = engines.open(blob, EngineOptions.forInference(1));
            for (int i = 0; i < inputs.size(); i++) {
                acc.add(q.run(inputs.get(i), outputs), references.get(i));
            }
        } finally {
            engines.evict(blob.digest());
        }
        return acc;
    }

    /** True when every value of every output is finite (a reference with NaN/Inf gives no fidelity figure). */
    public static boolean finite(Map<String, Tensor> outputs) {
        for (Tensor t : outputs.values()) {
            for (float v : t.toFloats()) {
                if (!Float.isFinite(v)) {
                    return false;
                }
            }
        }
        return true;
    }
}
