package dev.sparkptq.aaq;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.data.DataSource;
import dev.sparkptq.data.SampleRef;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.report.RunReport;
import dev.sparkptq.runtime.EngineFactory;
import dev.sparkptq.runtime.EngineOptions;
import dev.sparkptq.runtime.InferenceEngine;
import dev.sparkptq.runtime.Latency;
import dev.sparkptq.runtime.LatencyClock;
import dev.sparkptq.runtime.LatencyComparison;
import dev.sparkptq.runtime.ModelBlob;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Times FP32 against the accuracy-aware search's final model in the driver, as {@code benchmark inference} does (one
 * ONNX Runtime thread, interleaved rounds, medians and the median of the rounds' paired ratios, on the calling
 * thread's CPU time when the JVM measures it, as the speed guard does): every reverted group adds a float island with Q/DQ at its borders,
 * and the user is promised a model that is not slower than FP32, so the report says what the result costs.
 */
final class FinalLatency {
    static final int SAMPLES = 8;
    static final int ROUNDS = 5;

    private FinalLatency() {
    }

    static RunReport.AaqLatency measure(EngineFactory engines, ModelBlob fp32, OnnxMl.ModelProto model,
                                        DataSource source, List<SampleRef> refs) {
        List<Map<String, Tensor>> inputs = new ArrayList<>();
        for (SampleRef ref : refs.subList(0, Math.min(SAMPLES, refs.size()))) {
            inputs.add(source.load(ref).inputs());
        }
        byte[] bytes = ModelIo.toBytes(model);
        ModelBlob quantized = ModelBlob.ofBytes("aaq-final|" + ModelIo.sha256(bytes), bytes);
        EngineOptions one = EngineOptions.forInference(1);
        InferenceEngine f = engines.open(fp32, one);
        InferenceEngine q = engines.open(quantized, one);
        try {
            // thread CPU time, as the speed guard reads it: wall time on a shared machine measures the other load
            double[][] ms = LatencyComparison.rounds(List.of(f, q), inputs, ROUNDS, 1, LatencyClock.forThreads(1));
            return new RunReport.AaqLatency(Latency.median(ms[0]), Latency.median(ms[1]),
                    LatencyComparison.medianRatio(ms[0], ms[1]), inputs.size(), ROUNDS);
        } finally {
            engines.evict(quantized.digest());
        }
    }
}
