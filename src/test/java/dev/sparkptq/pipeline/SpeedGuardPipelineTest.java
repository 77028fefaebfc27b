package dev.sparkptq.pipeline;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.config.ConfigLoader;
import dev.sparkptq.config.ConfigOverrides;
import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.report.HtmlReport;
import dev.sparkptq.report.RunReport;
import dev.sparkptq.runtime.ort.OrtEngineFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The speed guard inside a whole run (real ONNX Runtime, the toy conv-relu-conv model): what the report says. */
class SpeedGuardPipelineTest {
    private static PtqConfig config(TinyRun t, boolean guard) {
        // the fidelity placement off: the toy model misses its floors (FidelityStepTest covers it), and this test
        // reads what the guard's own placement removes
        String json = t.json(1, "performance").replace("\"speed_guard\": false", "\"speed_guard\": " + guard
                + ", \"fidelity_placement\": \"off\"");
        return ConfigLoader.fromJson(json, t.dir, ConfigOverrides.none());
    }

    @Test
    void theReportHoldsBothLatenciesWhatTheGuardDidAndItsCost(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 6, 3);
        RunResult r = new QuantizationPipeline(new InProcessBackend(new OrtEngineFactory()), m -> { })
                .run(config(t, true), t.options(tmp.resolve("out"), RunOptions.Evaluation.SKIP));
        RunReport.SpeedSummary s = r.report().speed();
        assertNotNull(s);
        assertTrue(s.guard());
        assertTrue(s.fp32Ms() > 0 && s.int8MsBefore() > 0 && s.fp32PreparedMs() > 0, s.toString());
        assertTrue(Set.of("kept", "ops_returned_to_float", "fp32_fallback").contains(s.outcome()), s.outcome());
        assertEquals(1, s.threads());
        assertTrue(r.report().timingsMs().containsKey("speed_guard"));
        assertTrue(s.removedQuantizers().containsKey("weight_of_float_op"),
                "conv2 writes the graph output and runs in float: its int8 weight would be dequantized every run");
        OnnxMl.ModelProto written = ModelIo.load(r.model());
        boolean quantized = written.getGraph().getNodeList().stream()
                .anyMatch(n -> n.getOpType().equals("QuantizeLinear"));
        if (s.outcome().equals("fp32_fallback")) {
            assertFalse(quantized, "a fallback writes the FP32 model");
            assertTrue(r.report().calibration().warnings().stream().anyMatch(w -> w.contains("not faster")));
            assertEquals(0, r.report().quantization().quantizedOps());
        } else {
            assertTrue(quantized);
            assertTrue(s.speedup() >= dev.sparkptq.placement.SpeedAwarePlacement.REQUIRED_SPEEDUP);
        }
        String html = new String(HtmlReport.toHtml(r.report()), StandardCharsets.UTF_8);
        assertTrue(html.contains("Speed: FP32 vs quantized") && html.contains("integer-kernel MACs"), "html section");
    }

    @Test
    void withTheGuardOffTheReportSaysSoAndNothingIsTimed(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 4, 5);
        RunResult r = new QuantizationPipeline(new InProcessBackend(new OrtEngineFactory()), m -> { })
                .run(config(t, false), t.options(tmp.resolve("out"), RunOptions.Evaluation.SKIP));
        RunReport.SpeedSummary s = r.report().speed();
        assertEquals("off", s.outcome());
        assertEquals(null, s.fp32Ms());
        assertEquals(2, r.report().quantization().weightQuantizers(), "the planned quantizers, none removed");
    }
}
