package dev.sparkptq.plan;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.config.CompressionSection.ModelType;
import dev.sparkptq.config.QuantizationParams;
import dev.sparkptq.config.QuantizationParams.ActivationMatMuls;
import dev.sparkptq.config.SmoothQuantSpec;
import dev.sparkptq.core.ModelException;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.graph.TinyModels;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** activation_matmuls: attention's MatMuls of two activations quantized (NNCF) or left in float. */
class ActivationMatMulsTest {
    private static QuantizationParams params(ActivationMatMuls mode) {
        QuantizationParams p = Specs.params();
        return new QuantizationParams(p.preset(), p.statSubsetSize(), p.statBatchSize(), p.shuffleData(), p.seed(),
                p.ignored(), p.weights(), p.activations(), p.weightStorage(), p.biasCorrection(),
                p.adjustments(), p.activationGates(), SmoothQuantSpec.off(), mode);
    }

    private static QuantizationPlan plan(OnnxMl.ModelProto model, ActivationMatMuls mode) {
        ModelGraph g = ModelGraph.of(ModelIo.prepareForQuantization(model));
        return QuantizationPlanner.plan(g, params(mode), Specs.compression(ModelType.TRANSFORMER));
    }

    @Test
    void quantizedModeQuantizesBothActivationInputs() {
        QuantizationPlan p = plan(TinyModels.matMulTwoActivations(), ActivationMatMuls.QUANTIZED);
        assertEquals(List.of("a", "b"), p.activations().stream().map(QuantizationPoint::tensor).toList());
    }

    @Test
    void floatModeLeavesTheActivationMatMulAlone() {
        ModelException e = assertThrows(ModelException.class,
                () -> plan(TinyModels.matMulTwoActivations(), ActivationMatMuls.FLOAT));
        assertTrue(e.getMessage().contains("nothing to quantize"), e.getMessage());
    }

    @Test
    void floatModeStillQuantizesMatMulsWithAConstantWeight() {
        QuantizationPlan p = plan(TinyModels.matMulConstB(), ActivationMatMuls.FLOAT);
        assertEquals(1, p.weights().size());
        assertEquals(1, p.activations().size());
    }
}
