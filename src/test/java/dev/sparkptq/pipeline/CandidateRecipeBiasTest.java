package dev.sparkptq.pipeline;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.graph.TensorProtos;
import dev.sparkptq.graph.TinyModels;
import dev.sparkptq.plan.PointKind;
import dev.sparkptq.plan.QuantizationPlan;
import dev.sparkptq.plan.QuantizationPoint;
import dev.sparkptq.runtime.ort.OrtEngineFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A node the speed guard returns to float loses its weight quantizer but may keep the quantizer on its input (its
 * integer producer needs it): its bias must go back to the FP32 value, since the correction was for its int8 weight.
 */
class CandidateRecipeBiasTest {
    private static float[] bias(OnnxMl.ModelProto m, String name) {
        return m.getGraph().getInitializerList().stream().filter(t -> t.getName().equals(name)).findFirst()
                .map(t -> TensorProtos.toTensor(t).floats()).orElseThrow();
    }

    @Test
    void aNodeWithoutItsWeightQuantizerGetsItsFp32BiasBack(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 8, 11);
        BaseQuantization base = new QuantizationPipeline(new InProcessBackend(new OrtEngineFactory()), m -> { })
                .quantizeBase(t.configNoCle(1, "performance"), t.options(tmp.resolve("out"),
                        RunOptions.Evaluation.SKIP));
        QuantizationPlan plan = base.plan();
        List<QuantizationPoint> kept = plan.points().stream()
                .filter(p -> !(p.kind() == PointKind.WEIGHT && p.consumerNodes().contains("conv1"))).toList();
        Set<String> nodes = new TreeSet<>();
        kept.forEach(p -> nodes.addAll(p.consumerNodes()));
        QuantizationPlan conv1Float = new QuantizationPlan(kept, nodes, plan.notes());
        OnnxMl.ModelProto all = base.recipe().build(plan, Set.of());
        OnnxMl.ModelProto partly = base.recipe().build(conv1Float, Set.of());
        float[] fp32 = bias(TinyModels.convReluConv(), "B1");
        assertFalse(java.util.Arrays.equals(fp32, bias(all, "B1")), "bias correction changed conv1's bias");
        assertArrayEquals(fp32, bias(partly, "B1"), "conv1 keeps its input quantizer but its weight is float");
        assertArrayEquals(bias(all, "B2"), bias(partly, "B2"), "conv2 keeps its corrected bias");
    }
}
