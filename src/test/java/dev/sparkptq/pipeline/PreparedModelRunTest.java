package dev.sparkptq.pipeline;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sparkptq.graph.ExportStyleModels;
import dev.sparkptq.graph.Fp16Models;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.graph.TinyModels;
import dev.sparkptq.report.ReportWriter;
import dev.sparkptq.report.RunReport;
import dev.sparkptq.runtime.ort.OrtEngineFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whole runs on models that need preparation: what report.json's {@code preparation} section, the log and the
 * quantized model say. A Paddle2ONNX-style export comes out with INT8 weights that ONNX Runtime runs as integer
 * kernels; an FP16 model is quantized as FP32.
 */
class PreparedModelRunTest {
    private static RunResult run(TinyRun t, OnnxMl.ModelProto model, Path out, List<String> log) throws Exception {
        ModelIo.save(model, t.model);
        return new QuantizationPipeline(new InProcessBackend(new OrtEngineFactory()), log::add)
                .run(t.config(1, "performance"), t.options(out, RunOptions.Evaluation.SKIP));
    }

    @Test
    void aPaddleStyleExportIsCompressedAndRunsInIntegerKernels(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 4, 3);
        List<String> log = new ArrayList<>();
        RunResult r = run(t, ExportStyleModels.paddleStyle(), tmp.resolve("out"), log);
        RunReport.PreparationSummary p = r.report().preparation();
        assertEquals(9, p.opsetBefore());
        assertEquals(13, p.opsetAfter());
        assertEquals(6, p.steps().stream().filter(s -> s.step().equals("constants_to_initializers")).findFirst()
                .orElseThrow().changes());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("preparation: 6 Constant nodes became initializers")),
                log.toString());
        OnnxMl.ModelProto q = ModelIo.load(r.model());
        long int8Weights = q.getGraph().getInitializerList().stream()
                .filter(i -> i.getDataType() == OnnxMl.TensorProto.DataType.INT8_VALUE && i.getDimsCount() == 4)
                .count();
        assertEquals(2, int8Weights, "both conv weights stored as int8");
        // conv1 (13,824 MACs) runs as QLinearConv; conv2 (2,048) writes the float graph output, as in any model
        assertEquals(13824.0 / 15872, r.report().integerKernels().integerShare(), 1e-9);

        JsonNode json = ReportWriter.read(Files.readAllBytes(r.reportFile()));
        JsonNode steps = json.get("preparation").get("steps");
        assertEquals("legacy_model", steps.get(0).get("step").asText());
        assertTrue(steps.findValuesAsText("summary").stream().anyMatch(s -> s.contains("opset 9 → 13")));
        String html = Files.readString(r.reportFile().resolveSibling("report.html"));
        assertTrue(html.contains("1 BatchNormalization folded: 1 into Conv"), "the HTML summary line");
    }

    @Test
    void anFp16ModelIsQuantizedAsFp32AndSaysSo(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 4, 4);
        List<String> log = new ArrayList<>();
        RunResult r = run(t, Fp16Models.convert(TinyModels.convReluConv(), Fp16Models.FLOAT16), tmp.resolve("out"),
                log);
        RunReport.PreparationStep upcast = r.report().preparation().steps().stream()
                .filter(s -> s.step().equals("float16_upcast")).findFirst().orElseThrow();
        assertTrue(upcast.summary().startsWith("FP16 model upcast to FP32"), upcast.summary());
        assertTrue(log.stream().anyMatch(l -> l.contains("FP16 model upcast to FP32")), log.toString());
        OnnxMl.ModelProto q = ModelIo.load(r.model());
        assertEquals(OnnxMl.TensorProto.DataType.FLOAT_VALUE, q.getGraph().getInput(0).getType().getTensorType()
                .getElemType(), "the quantized model takes FP32");
        RunResult fp32 = run(t, TinyModels.convReluConv(), tmp.resolve("fp32"), new ArrayList<>());
        assertEquals(fp32.report().integerKernels().integerShare(), r.report().integerKernels().integerShare(),
                "the same integer kernels as the FP32 model gets");
        assertTrue(r.report().integerKernels().integerShare() > 0.5);
    }
}
