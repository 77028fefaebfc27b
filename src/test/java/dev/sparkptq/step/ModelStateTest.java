package dev.sparkptq.step;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.graph.TinyModels;
import dev.sparkptq.plan.QuantizationPlan;
import dev.sparkptq.report.RunReport;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelStateTest {
    private static final OnnxMl.ModelProto MODEL = TinyModels.convReluConv();
    private static final OnnxMl.ModelProto OTHER = TinyModels.matMulConstB();

    @Test
    void withersReturnNewStatesAndLeaveTheOldOneAlone() {
        ModelState s = ModelState.of(MODEL);
        ModelState warned = s.withWarning("w");
        assertEquals(List.of(), s.warnings());
        assertEquals(List.of("w"), warned.warnings());
        ModelState rewritten = s.withModel(OTHER);
        assertSame(MODEL, s.model());
        assertSame(MODEL, rewritten.reference(), "the reference is what was loaded, whatever steps rewrite");
        assertSame(OTHER, rewritten.model());
        assertEquals("matmul", rewritten.graph().nodes().get(0).name(), "the graph follows the model");
        ModelState repaired = s.withReference(OTHER);
        assertSame(OTHER, repaired.reference());
        assertSame(OTHER, repaired.model());
    }

    @Test
    void tuningChangesTheModelToQuantizeButNotTheFloatModel() {
        ModelState s = ModelState.of(MODEL).withToQuantize(OTHER);
        assertSame(MODEL, s.model());
        assertSame(OTHER, s.toQuantize());
        assertEquals("matmul", s.toQuantizeGraph().nodes().get(0).name());
        assertSame(OTHER, s.withModel(OTHER).toQuantize());
        assertSame(MODEL, s.withModel(MODEL).toQuantize(), "a rewrite of the float model starts over");
    }

    @Test
    void theGraphViewIsBuiltOncePerModel() {
        ModelState s = ModelState.of(MODEL);
        assertSame(s.graph(), s.withWarning("w").graph());
        assertSame(s.graph(), s.toQuantizeGraph());
        assertNotSame(s.graph(), s.withModel(OTHER).graph());
    }

    @Test
    void whatNoStepMadeYetIsAnInternalErrorNamingIt() {
        ModelState s = ModelState.of(MODEL);
        assertFalse(s.hasPlan());
        InternalException e = assertThrows(InternalException.class, s::plan);
        assertTrue(e.getMessage().contains("has no plan yet"), e.getMessage());
        assertThrows(InternalException.class, s::parameters);
        assertThrows(InternalException.class, s::quantized);
        QuantizationPlan empty = new QuantizationPlan(List.of(), java.util.Set.of(), List.of());
        assertTrue(s.withPlan(empty).hasPlan());
    }

    @Test
    void reportSectionsAreKeptByTypeAndReplaced() {
        RunReport.LayerwiseTuningSummary a = new RunReport.LayerwiseTuningSummary("a", 1, 1, 1, 1, List.of(),
                List.of());
        RunReport.LayerwiseTuningSummary b = new RunReport.LayerwiseTuningSummary("b", 2, 1, 1, 1, List.of(),
                List.of());
        ModelState s = ModelState.of(MODEL).withSection(a);
        assertEquals(a, s.section(RunReport.LayerwiseTuningSummary.class).orElseThrow());
        assertEquals(b, s.withSection(b).section(RunReport.LayerwiseTuningSummary.class).orElseThrow());
        assertTrue(s.section(RunReport.IntegerKernelSummary.class).isEmpty());
    }

    @Test
    void correctionsAccumulateWithTheQuantizedModel() {
        dev.sparkptq.core.Tensor v = dev.sparkptq.core.Tensor.ofFloats(new long[]{1}, new float[]{1});
        ModelState s = ModelState.of(MODEL).withQuantized(OTHER, List.of(new ModelState.Correction("n", "b", v)))
                .withQuantized(OTHER, List.of(new ModelState.Correction("m", "c", v)));
        assertEquals(List.of("b", "c"), s.corrections().stream().map(ModelState.Correction::initializer).toList());
    }
}
