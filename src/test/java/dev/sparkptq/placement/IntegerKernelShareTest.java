package dev.sparkptq.placement;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.TinyModels;
import dev.sparkptq.pipeline.InProcessBackend;
import dev.sparkptq.pipeline.QuantizationPipeline;
import dev.sparkptq.pipeline.RunOptions;
import dev.sparkptq.pipeline.TinyRun;
import dev.sparkptq.report.HtmlReport;
import dev.sparkptq.report.RunReport;
import dev.sparkptq.runtime.ort.OrtEngineFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IntegerKernelShareTest {
    /**
     * conv1 (3→16, 3×3, 8×8 output) is followed by Relu and the quantizer of conv2's input, so ORT fuses it into
     * QLinearConv; conv2 (16→2, 1×1) writes the float graph output, has no quantizer after it and stays a float
     * Conv behind DequantizeLinear.
     */
    @Test
    void convFollowedByAQuantizerRunsAsQLinearConvAndTheUnfollowedOneStaysFloat(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 6, 3);
        RunReport r = new QuantizationPipeline(new InProcessBackend(new OrtEngineFactory()), m -> { })
                .run(t.config(1, "performance"), t.options(tmp.resolve("out"), RunOptions.Evaluation.SKIP))
                .report();
        RunReport.IntegerKernelSummary k = r.integerKernels();
        long conv1 = (16L * 8 * 8) * (3 * 3 * 3);
        long conv2 = (2L * 8 * 8) * 16;
        assertEquals(conv1 + conv2, k.totalMacs());
        assertEquals(conv1, k.integerMacs());
        assertEquals((double) conv1 / (conv1 + conv2), k.integerShare(), 1e-12);
        assertEquals(2, k.macOps());
        assertEquals(1, k.integerMacOps());
        assertEquals(List.of("conv2"), k.floatOps());
        assertEquals(1, k.kernelOps().get("com.microsoft:QLinearConv"),
                "ORT runs the fused conv in NHWC: " + k.kernelOps());
        String html = new String(HtmlReport.toHtml(r), StandardCharsets.UTF_8);
        assertTrue(html.contains("integer-kernel MACs"), "summary line in report.html");
    }

    @Test
    void macsOfMatMulAndGemmAreOutputElementsTimesTheReducedAxis() {
        ModelGraph matmul = ModelGraph.of(TinyModels.matMulConstB()); // x[2,4]·B[4,5]
        Map<String, long[]> shapes = Map.of("x", new long[]{2, 4}, "y", new long[]{2, 5});
        assertEquals(2 * 5 * 4, IntegerKernelShare.macs(matmul.node("matmul").orElseThrow(), matmul, shapes));
        ModelGraph gemm = ModelGraph.of(TinyModels.gemmTransB()); // x[2,4]·Wᵀ, W[5,4]
        assertEquals(2 * 5 * 4, IntegerKernelShare.macs(gemm.node("gemm").orElseThrow(), gemm, shapes));
    }

    @Test
    void anOpWithoutDequantizedInputsNeverCountsAsInteger() {
        ModelGraph matmul = ModelGraph.of(TinyModels.matMulConstB());
        Map<String, long[]> shapes = Map.of("x", new long[]{2, 4}, "y", new long[]{2, 5});
        OnnxMl.ModelProto optimized = OnnxMl.ModelProto.newBuilder().setGraph(OnnxMl.GraphProto.newBuilder()
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("MatMulIntegerToFloat").setDomain("com.microsoft")
                        .addInput("x").addInput("B").addOutput("y"))).build();
        RunReport.IntegerKernelSummary k = IntegerKernelShare.of(matmul, shapes, optimized);
        assertEquals(40, k.totalMacs());
        assertEquals(0, k.integerMacs(), "a float MatMul has no quantized inputs to match");
        assertEquals(Map.of("com.microsoft:MatMulIntegerToFloat", 1), k.kernelOps());
    }
}
