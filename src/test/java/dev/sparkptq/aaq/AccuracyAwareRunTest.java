package dev.sparkptq.aaq;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.pipeline.TinyRun;
import dev.sparkptq.report.RunReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccuracyAwareRunTest {
    private static long count(OnnxMl.ModelProto m, String op) {
        return m.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals(op)).count();
    }

    @Test
    void harshBaseRecoversWithinMaximalDropByRevertingGroups(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 12, 3);
        AccuracyAwareRun.Result r = AaqFixture.run(t, AaqFixture.config(t, "\"maximal_drop\": 0.0"),
                tmp.resolve("out"), false);
        RunReport.AccuracyAwareSummary a = r.run().report().accuracyAware();
        assertTrue(r.targetMet());
        assertEquals(2, a.groups(), "conv1 with x and W1; conv2 with r1 and W2");
        assertTrue(a.base().get("cosine_to_fp32") < 1.0, "4-bit base must lose accuracy: " + a.base());
        assertEquals(1.0, a.result().get("cosine_to_fp32"), 1e-6, "both groups reverted: the FP32 model");
        assertEquals(2, a.revertedGroups().size());
        OnnxMl.ModelProto m = ModelIo.load(r.run().model());
        assertEquals(0, count(m, "QuantizeLinear") + count(m, "DequantizeLinear"));
        assertFalse(a.rankings().isEmpty());
        assertTrue(Files.exists(tmp.resolve("out").resolve(Checkpoint.FILE)));
        String html = Files.readString(tmp.resolve("out").resolve("report.html"));
        assertTrue(html.contains("id=\"revert-ranking\"") && html.contains("conv1"), "ranking chart");
        assertTrue(html.contains("id=\"drop-per-iteration\"") && html.contains("kept"), "drop chart");
    }

    /**
     * Layer-wise tuning moves 4-bit weights onto tuned grid values; a layer the search reverts to float gets its
     * original FP32 weight back, so reverting everything gives exactly the model the untuned search reverts to.
     */
    @Test
    void revertedLayersGetTheirWeightsFromBeforeLayerwiseTuning(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 12, 3);
        AccuracyAwareRun.Result tuned = AaqFixture.run(t, AaqFixture.config(t,
                "\"maximal_drop\": 0.0, \"use_layerwise_tuning\": true"), tmp.resolve("tuned"), false);
        AccuracyAwareRun.Result plain = AaqFixture.run(t, AaqFixture.config(t, "\"maximal_drop\": 0.0"),
                tmp.resolve("plain"), false);
        assertTrue(tuned.run().report().layerwiseTuning() != null, "tuning ran");
        assertEquals(2, tuned.run().report().accuracyAware().revertedGroups().size());
        OnnxMl.ModelProto a = ModelIo.load(tuned.run().model());
        OnnxMl.ModelProto b = ModelIo.load(plain.run().model());
        assertEquals(initializers(b), initializers(a), "the reverted weights are the FP32 ones, not q·s");
    }

    private static java.util.Map<String, OnnxMl.TensorProto> initializers(OnnxMl.ModelProto m) {
        java.util.Map<String, OnnxMl.TensorProto> out = new java.util.TreeMap<>();
        m.getGraph().getInitializerList().forEach(i -> out.put(i.getName(), i));
        return out;
    }

    @Test
    void generousDropStopsAtTheBaseModel(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 8, 4);
        AccuracyAwareRun.Result r = AaqFixture.run(t, AaqFixture.config(t, "\"maximal_drop\": 0.5"),
                tmp.resolve("out"), false);
        assertTrue(r.targetMet());
        RunReport.AccuracyAwareSummary a = r.run().report().accuracyAware();
        assertTrue(a.iterations().isEmpty() && a.rankings().isEmpty() && a.revertedGroups().isEmpty());
        OnnxMl.ModelProto m = ModelIo.load(r.run().model());
        assertEquals(2, count(m, "QuantizeLinear"));
    }

    @Test
    void unreachableTargetStillWritesTheBestModelAndReport(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 8, 5);
        AccuracyAwareRun.Result r = AaqFixture.run(t, AaqFixture.config(t,
                "\"maximal_drop\": 0.0, \"metrics\": [ { \"name\": \"cosine_to_fp32\", \"baseline_value\": 2.0 } ]"),
                tmp.resolve("out"), false);
        assertFalse(r.targetMet());
        assertTrue(Files.exists(r.run().model()) && Files.exists(r.run().reportFile()));
        RunReport.AccuracyAwareSummary a = r.run().report().accuracyAware();
        assertFalse(a.targetMet());
        assertEquals(2.0, a.baseline().get("cosine_to_fp32"));
        assertEquals(1.0, a.drop().get("cosine_to_fp32"), 1e-6, "best = everything reverted: 2.0 - 1.0");
    }

    @Test
    void maxIterNumBoundsTheGreedyLoop(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 8, 6);
        AccuracyAwareRun.Result r = AaqFixture.run(t, AaqFixture.config(t,
                "\"maximal_drop\": 0.0, \"max_iter_num\": 1"), tmp.resolve("out"), false);
        assertFalse(r.targetMet());
        assertEquals(1, r.run().report().accuracyAware().iterations().size());
    }

    @Test
    void revertToInt16KeepsEveryOpQuantizedAndOrtRunsIt(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 8, 7);
        AccuracyAwareRun.Result r = AaqFixture.run(t, AaqFixture.config(t,
                "\"maximal_drop\": 0.0, \"revert_to\": \"int16\""), tmp.resolve("out"), false);
        RunReport.AccuracyAwareSummary a = r.run().report().accuracyAware();
        assertFalse(r.targetMet(), "16 bits still clip at the calibrated ranges: never exactly FP32");
        assertTrue(a.result().get("cosine_to_fp32") > a.base().get("cosine_to_fp32") + 0.002,
                "16-bit groups recover the rounding part of the 4-bit loss: " + a.base() + " -> " + a.result());
        assertEquals(2, a.revertedGroups().size());
        OnnxMl.ModelProto m = ModelIo.load(r.run().model());
        assertEquals(2, count(m, "QuantizeLinear"), "reverted ops keep their Q/DQ, in 16 bits");
        assertTrue(m.getGraph().getInitializerList().stream().anyMatch(i ->
                i.getDataType() == OnnxMl.TensorProto.DataType.INT16_VALUE), "a 16-bit weight or zero point");
    }

    @Test
    void onlyActivationsKeepsInt8Weights(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 8, 7);
        AccuracyAwareRun.Result r = AaqFixture.run(t, AaqFixture.config(t,
                "\"maximal_drop\": 0.0, \"restore_mode\": \"only_activations\", \"max_iter_num\": 2"),
                tmp.resolve("out"), false);
        OnnxMl.ModelProto m = ModelIo.load(r.run().model());
        assertEquals(2, r.run().report().accuracyAware().revertedGroups().size());
        assertEquals(0, count(m, "QuantizeLinear"), "activation quantizers reverted");
        assertEquals(2, count(m, "DequantizeLinear"), "the two int8 weights stay");
    }
}
