package dev.sparkptq.aaq;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.config.ConfigLoader;
import dev.sparkptq.config.ConfigOverrides;
import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.pipeline.TinyRun;
import dev.sparkptq.placement.SpeedAwarePlacement;
import dev.sparkptq.report.RunReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The speed guard on an accuracy-aware search's result (real ONNX Runtime): the groups the search reverts are float
 * islands with Q/DQ at their borders, so the written model is guarded again, and report.json's {@code speed} and
 * metrics describe the model written.
 */
class AccuracyAwareSpeedGuardTest {
    private static PtqConfig config(TinyRun t, double maximalDrop) {
        return ConfigLoader.fromJson("""
                {
                  "model": { "model_name": "tiny", "model": "tiny.onnx" },
                  "engine": { "data_source": "data", "speed_guard": true, "reader": { "type": "npy" },
                              "metrics": [ { "type": "cosine_to_fp32" } ], "num_partitions": 2 },
                  "compression": { "algorithms": [ { "name": "AccuracyAwareQuantization",
                      "params": { "preset": "performance", "maximal_drop": %s } } ] }
                }
                """.formatted(maximalDrop), t.dir, ConfigOverrides.none());
    }

    @Test
    void theSearchResultIsGuardedAndTheReportDescribesTheModelWritten(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 8, 11);
        // a zero drop makes the search revert groups (8-bit conv-relu-conv is close to FP32, not equal)
        AccuracyAwareRun.Result r = AaqFixture.run(t, config(t, 0.0), tmp.resolve("out"), false);
        RunReport report = r.run().report();
        RunReport.SpeedSummary s = report.speed();
        assertNotNull(s);
        assertTrue(s.guard());
        OnnxMl.ModelProto written = ModelIo.load(r.run().model());
        boolean quantized = written.getGraph().getNodeList().stream()
                .anyMatch(n -> n.getOpType().equals("QuantizeLinear"));
        assertTrue(Set.of("kept", "ops_returned_to_float", AccuracyAwareRun.FP32_FALLBACK, "nothing_quantized")
                .contains(s.outcome()), s.outcome());
        if (s.outcome().equals(AccuracyAwareRun.FP32_FALLBACK) || !quantized) {
            assertFalse(quantized, "a fallback writes the float model");
            assertEquals(report.metrics().fp32(), report.metrics().quantized(),
                    "the float model's metrics are FP32's own");
        } else {
            assertTrue(s.speedup() >= SpeedAwarePlacement.REQUIRED_SPEEDUP, "never slower than FP32: " + s);
        }
    }
}
