package dev.sparkptq.pipeline;

import dev.sparkptq.accuracy.FidelityAccumulator;
import dev.sparkptq.config.ConfigLoader;
import dev.sparkptq.config.ConfigOverrides;
import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.report.RunReport;
import dev.sparkptq.runtime.ort.OrtEngineFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The label-free fidelity check of the model written: its figures, its warning, and a whole run's report. */
class FidelityCheckTest {
    private static Tensor t(float... v) {
        return Tensor.ofFloats(new long[]{1, v.length}, v);
    }

    @Test
    void anOutputFarFromFp32IsNamedInTheWarningAndAFaithfulOneIsNot() {
        FidelityAccumulator acc = new FidelityAccumulator(FidelityAccumulator.Fidelity.COSINE);
        // 'box' is close (noise 1 % of the signal); 'score' carries noise as large as its signal
        acc.add(Map.of("box", t(10, 20, 30, 40.2f), "score", t(1, -1, 1, 1)),
                Map.of("box", t(10, 20, 30, 40), "score", t(1, 1, -1, 1)));
        RunReport.FidelitySummary s = FidelityCheck.summary(acc, 1);
        assertEquals("score", s.worstOutput());
        assertTrue(s.worstCosine() < 0.5, s.toString());
        assertNotNull(s.warning());
        assertTrue(s.warning().contains("'score'") && !s.warning().contains("'box'"), s.warning());
        assertTrue(s.warning().contains("accuracy_aware"), "names what to try: " + s.warning());
        assertEquals(2, s.outputs().size());
        assertTrue(FidelityCheck.line(s).contains("worst output 'score'"), FidelityCheck.line(s));
    }

    @Test
    void identicalOutputsHaveNoNoiseNoSqnrFigureAndNoWarning() {
        FidelityAccumulator acc = new FidelityAccumulator(FidelityAccumulator.Fidelity.COSINE);
        acc.add(Map.of("y", t(1, 2, 3)), Map.of("y", t(1, 2, 3)));
        RunReport.FidelitySummary s = FidelityCheck.summary(acc, 1);
        assertEquals(1.0, s.worstCosine(), 1e-9);
        assertNull(s.minSqnrDb(), "infinite SQNR is written as null, not as a non-JSON number");
        assertNull(s.warning());
    }

    @Test
    void aWholeRunReportsTheWrittenModelsFidelityOnCalibrationSamples(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 6, 3);
        PtqConfig config = ConfigLoader.fromJson(t.json(1, "performance"), t.dir, ConfigOverrides.none());
        List<String> log = new ArrayList<>();
        RunResult r = new QuantizationPipeline(new InProcessBackend(new OrtEngineFactory()), log::add)
                .run(config, t.options(tmp.resolve("out"), RunOptions.Evaluation.SKIP));
        RunReport.FidelitySummary f = r.report().fidelity();
        assertNotNull(f, "every run that writes a quantized model is checked");
        assertEquals(6, f.samples(), "min(8, calibration samples)");
        assertFalse(f.outputs().isEmpty());
        assertTrue(f.worstCosine() > 0.9 && f.worstCosine() < 1.0, "8-bit conv-relu-conv is close, not equal: " + f);
        assertTrue(log.stream().anyMatch(l -> l.startsWith("fidelity to FP32 on 6 calibration samples")), log.toString());
        assertTrue(r.report().timingsMs().containsKey("fidelity_check"));
        String html = new String(dev.sparkptq.report.HtmlReport.toHtml(r.report()),
                java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(html.contains("Fidelity to FP32") && html.contains(f.outputs().get(0).output()), "html section");
    }

    @Test
    void dynamicKernelsCountAsQuantizedAndTheFp32FallbackDoesNot() {
        var g = ai.onnx.proto.OnnxMl.GraphProto.newBuilder()
                .addNode(ai.onnx.proto.OnnxMl.NodeProto.newBuilder().setOpType("DynamicQuantizeLinear"));
        var dynamic = ai.onnx.proto.OnnxMl.ModelProto.newBuilder().setGraph(g).build();
        var fp32 = ai.onnx.proto.OnnxMl.ModelProto.newBuilder().setGraph(ai.onnx.proto.OnnxMl.GraphProto.newBuilder()
                .addNode(ai.onnx.proto.OnnxMl.NodeProto.newBuilder().setOpType("MatMul"))).build();
        assertTrue(FidelityCheck.hasQuantizedOps(dynamic), "every MatMul dynamic: no static point, still quantized");
        assertFalse(FidelityCheck.hasQuantizedOps(fp32));
    }

    /**
     * The driver-side samples the guard times and the check compares on: a file that cannot be decoded (left out of
     * calibration by engine.skip_bad_samples) is passed over, the next sample stands in.
     */
    @Test
    void driverSamplesPassOverAFileThatCannotBeDecoded() {
        List<dev.sparkptq.data.SampleRef> refs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            refs.add(new dev.sparkptq.data.SampleRef(new dev.sparkptq.core.SampleId("s" + i), "f" + i, i, null));
        }
        dev.sparkptq.data.DataSource source = new dev.sparkptq.data.DataSource() {
            @Override
            public List<dev.sparkptq.data.SampleRef> list() {
                return refs;
            }

            @Override
            public dev.sparkptq.data.Sample load(dev.sparkptq.data.SampleRef ref) {
                if (ref.index() == 1) {
                    throw new dev.sparkptq.core.BadSampleException("f1 is truncated");
                }
                return new dev.sparkptq.data.Sample(ref.id(), Map.of("x", t(ref.index())), null, null);
            }
        };
        var samples = new QuantizationPipeline.Samples(source, 4, refs, List.of());
        List<Map<String, Tensor>> three = samples.inputs(3);
        assertEquals(List.of(0f, 2f, 3f), three.stream().map(m -> m.get("x").floats()[0]).toList());
        assertEquals(2, samples.inputs(2).size());
    }
}
