package dev.sparkptq.algorithms.kernels;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.pipeline.InProcessBackend;
import dev.sparkptq.pipeline.QuantizationPipeline;
import dev.sparkptq.pipeline.RunOptions;
import dev.sparkptq.pipeline.RunResult;
import dev.sparkptq.pipeline.TinyTransformer;
import dev.sparkptq.runtime.EngineOptions;
import dev.sparkptq.runtime.ModelBlob;
import dev.sparkptq.runtime.ort.OrtEngineFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What ONNX Runtime actually runs for one quantized encoder layer ({@link TinyTransformer}, DefaultQuantization with
 * SmoothQuant): the graph it writes after all optimizations, with the op types counted.
 */
class TransformerKernelsTest {
    private static Map<String, Integer> optimizedOps(Path tmp) throws Exception {
        TinyTransformer.write(tmp);
        RunResult r = new QuantizationPipeline(new InProcessBackend(new OrtEngineFactory()), m -> { })
                // the static QDQ layout (matmul_kernels: auto may choose dynamic or float kernels by measurement)
                .run(TinyTransformer.config(tmp, ", \"matmul_kernels\": \"static\""), new RunOptions(tmp.resolve("out"),
                        RunOptions.Evaluation.SKIP, 1, Files.createDirectories(tmp.resolve("work"))));
        Path optimized = tmp.resolve("optimized.onnx");
        new OrtEngineFactory().writeOptimized(ModelBlob.ofPath("q@" + r.model(), r.model()),
                EngineOptions.forInference(1), optimized);
        Map<String, Integer> ops = new TreeMap<>();
        for (OnnxMl.NodeProto n : ModelIo.load(optimized).getGraph().getNodeList()) {
            ops.merge(n.getOpType(), 1, Integer::sum);
        }
        return ops;
    }

    @Test
    void everyProjectionRunsAsAnIntegerKernelWithGeluAndReshapesFused(@TempDir Path tmp) throws Exception {
        Map<String, Integer> ops = optimizedOps(tmp);
        assertEquals(6, ops.getOrDefault("MatMulIntegerToFloat", 0), "Q, K, V, O, FFN1, FFN2: " + ops);
        assertFalse(ops.containsKey("Erf"), "the erf-GELU is one fused kernel: " + ops);
        assertTrue(ops.getOrDefault("Gelu", 0) + ops.getOrDefault("BiasGelu", 0) == 1, ops.toString());
        assertFalse(ops.containsKey("Concat") || ops.containsKey("Shape") || ops.containsKey("Gather"),
                "head split/merge shapes are constant, no shape arithmetic at run time: " + ops);
        assertFalse(ops.containsKey("DequantizeLinear"), "every Q/DQ pair fused into a kernel: " + ops);
    }

    @Test
    void attentionOutputProjectionHasNoSmoothingMul(@TempDir Path tmp) throws Exception {
        Map<String, Integer> ops = optimizedOps(tmp);
        // the Q/K/V and FFN1 groups (LayerNorm outputs, also read by the residuals) and FFN2 (GELU output) need
        // explicit Muls; the attention-output group folds into the value projection
        assertEquals(3, ops.getOrDefault("Mul", 0), ops.toString());
    }
}
