package dev.sparkptq.pipeline;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.report.ReportWriter;
import dev.sparkptq.report.RunReport;
import dev.sparkptq.runtime.ort.OrtEngineFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

public class InProcessPipelineTest {
    private static RunResult run(TinyRun t, int partitions, String preset, Path out, RunOptions.Evaluation eval)
            throws Exception {
        return new QuantizationPipeline(new InProcessBackend(new OrtEngineFactory()), m -> { })
                .run(t.config(partitions, preset), t.options(out, eval));
    }

    @Test
    void symmetricInputScaleIsTheMeanOfPerSampleAbsMaxOver127(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 12, 5);
        RunReport r = run(t, 1, "performance", tmp.resolve("out"), RunOptions.Evaluation.SKIP).report();
        double sum = 0;
        for (float[] s : t.samples) {
            double m = 0;
            for (float v : s) {
                m = Math.max(m, Math.abs(v));
            }
            sum += m;
        }
        double expected = sum / t.samples.length / 127; // signed: the inputs have negative values
        RunReport.TensorSummary x = r.quantization().tensors().stream().filter(s -> s.tensor().equals("x"))
                .findFirst().orElseThrow();
        assertEquals("INT8", x.storage());
        assertEquals(expected, x.scaleMax(), expected * 1e-6);
        assertEquals(0, x.zeroPoint());
        RunReport.TensorSummary r1 = r.quantization().tensors().stream().filter(s -> s.tensor().equals("r1"))
                .findFirst().orElseThrow();
        assertEquals("UINT8", r1.storage(), "a Relu output is non-negative: unsigned levels");
    }

    @Test
    void outputIsAQdqModelWithInt8WeightsProvenanceAndNoLeftovers(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 8, 1);
        Path out = tmp.resolve("out");
        RunResult res = run(t, 2, "performance", out, RunOptions.Evaluation.RUN);
        OnnxMl.ModelProto m = ModelIo.load(res.model());
        Map<String, Long> ops = m.getGraph().getNodeList().stream()
                .collect(Collectors.groupingBy(OnnxMl.NodeProto::getOpType, Collectors.counting()));
        assertEquals(2L, ops.get("QuantizeLinear"), "activations x and r1");
        assertEquals(4L, ops.get("DequantizeLinear"), "x, r1 and the two weights");
        assertTrue(m.getGraph().getInitializerList().stream().anyMatch(i -> i.getName().startsWith("W1")
                && i.getDataType() == OnnxMl.TensorProto.DataType.INT8_VALUE), "W1 stored as int8");
        Map<String, String> meta = m.getMetadataPropsList().stream()
                .collect(Collectors.toMap(OnnxMl.StringStringEntryProto::getKey,
                        OnnxMl.StringStringEntryProto::getValue));
        assertEquals(ModelIo.sha256(t.model), meta.get("spark_ptq.fp32_model_sha256"));
        assertEquals(res.report().provenance().configSha256(), meta.get("spark_ptq.config_sha256"));
        assertEquals("x", m.getGraph().getInput(0).getName());
        assertEquals("y", m.getGraph().getOutput(0).getName());

        JsonNode report = ReportWriter.read(Files.readAllBytes(res.reportFile()));
        assertEquals(RunReport.FORMAT_VERSION, report.get("format_version").asInt());
        double cosine = report.get("metrics").get("quantized").get("cosine_to_fp32").asDouble();
        assertTrue(cosine > 0.99 && cosine <= 1.0 + 1e-9, "cosine " + cosine);
        assertEquals(1.0, report.get("metrics").get("fp32").get("cosine_to_fp32").asDouble(), 1e-9);
        assertEquals(8, report.get("metrics").get("samples").asInt());
        assertEquals(8, report.get("metrics").get("samples_also_used_for_calibration").asInt());
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(List.of("model.onnx", "report.html", "report.json", "statistics.json"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void scalesDoNotDependOnThePartitioning(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 13, 9);
        RunReport one = run(t, 1, "mixed", tmp.resolve("o1"), RunOptions.Evaluation.SKIP).report();
        RunReport four = run(t, 4, "mixed", tmp.resolve("o4"), RunOptions.Evaluation.SKIP).report();
        assertSameScales(one, four);
    }

    public static void assertSameScales(RunReport a, RunReport b) {
        List<RunReport.TensorSummary> ta = a.quantization().tensors();
        List<RunReport.TensorSummary> tb = b.quantization().tensors();
        assertEquals(ta.size(), tb.size());
        for (int i = 0; i < ta.size(); i++) {
            assertEquals(ta.get(i).tensor(), tb.get(i).tensor());
            assertEquals(ta.get(i).scaleMin(), tb.get(i).scaleMin(), 1e-6 * ta.get(i).scaleMin());
            assertEquals(ta.get(i).scaleMax(), tb.get(i).scaleMax(), 1e-6 * ta.get(i).scaleMax());
            assertEquals(ta.get(i).zeroPoint(), tb.get(i).zeroPoint());
        }
    }

    @Test
    void savedStatisticsReproduceTheModelWithoutCalibrationAndRefuseAnotherEstimator(@TempDir Path tmp)
            throws Exception {
        TinyRun t = TinyRun.create(tmp, 9, 2);
        RunResult first = run(t, 2, "performance", tmp.resolve("first"), RunOptions.Evaluation.SKIP);
        Path saved = tmp.resolve("first").resolve("statistics.json");
        var pipeline = new QuantizationPipeline(new InProcessBackend(new OrtEngineFactory()), m -> { });
        RunResult again = pipeline.run(t.config(2, "performance"), new RunOptions(tmp.resolve("again"),
                RunOptions.Evaluation.SKIP, 1, Files.createDirectories(tmp.resolve("w2")), saved));
        assertEquals(java.util.Arrays.toString(Files.readAllBytes(first.model())),
                java.util.Arrays.toString(Files.readAllBytes(again.model())), "same statistics, same model bytes");
        assertEquals(saved.toString(), again.report().calibration().statisticsFrom());
        var e = org.junit.jupiter.api.Assertions.assertThrows(dev.sparkptq.core.ConfigException.class,
                () -> pipeline.run(t.config(2, "mixed"), new RunOptions(tmp.resolve("mixed"),
                        RunOptions.Evaluation.SKIP, 1, tmp.resolve("w2"), saved)));
        assertTrue(e.getMessage().contains("lacks"), e.getMessage());
    }

    @Test
    void inGraphReductionsGiveTheSameScalesAsExposedTensors(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 11, 6);
        var pipeline = new QuantizationPipeline(new InProcessBackend(new OrtEngineFactory()), m -> { });
        RunReport inplace = pipeline.run(t.config(3, "mixed"), t.options(tmp.resolve("a"), RunOptions.Evaluation.SKIP))
                .report();
        var exposed = dev.sparkptq.config.ConfigLoader.fromJson(t.json(3, "mixed").replace(
                "\"compression\": {", "\"compression\": { \"inplace_statistics\": false,"), t.dir,
                dev.sparkptq.config.ConfigOverrides.none());
        assertEquals(false, exposed.compression().inplaceStatistics());
        RunReport whole = pipeline.run(exposed, t.options(tmp.resolve("b"), RunOptions.Evaluation.SKIP)).report();
        List<RunReport.TensorSummary> a = inplace.quantization().tensors();
        List<RunReport.TensorSummary> b = whole.quantization().tensors();
        for (int i = 0; i < a.size(); i++) {
            assertEquals(b.get(i).scaleMax(), a.get(i).scaleMax(), 0f, a.get(i).tensor());
            assertEquals(b.get(i).zeroPoint(), a.get(i).zeroPoint(), a.get(i).tensor());
        }
    }

    @Test
    void aModelWhoseOnlyMeasuredTensorIsAGraphInputStillQuantizes(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 3, 8);
        // ignore conv2: only conv1 is quantized and its input x is the graph input, read from the samples
        String json = t.json(1, "performance").replace("\"preset\": \"performance\"",
                "\"preset\": \"performance\", \"use_fast_bias\": false, \"ignored\": {\"scope\": [\"conv2\"]}");
        var config = dev.sparkptq.config.ConfigLoader.fromJson(json, t.dir,
                dev.sparkptq.config.ConfigOverrides.none());
        RunReport r = new QuantizationPipeline(new InProcessBackend(new OrtEngineFactory()), m -> { })
                .run(config, t.options(tmp.resolve("o"), RunOptions.Evaluation.SKIP)).report();
        assertEquals(List.of("x", "W1"), r.quantization().tensors().stream().map(RunReport.TensorSummary::tensor)
                .toList());
    }
}
