package dev.sparkptq.pipeline;

import dev.sparkptq.calibration.Range;
import dev.sparkptq.core.QuantParams;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.Node;
import dev.sparkptq.plan.QuantizationPoint;
import dev.sparkptq.report.ReportWriter;
import dev.sparkptq.report.RunReport;
import dev.sparkptq.report.ToolVersion;
import dev.sparkptq.stats.StatResult;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Assembles report.json's content from a finished run. */
final class Reports {
    private Reports() {
    }

    static RunReport build(QuantizationPipeline.ReportInputs in, Path modelOut, long outBytes, String externalData,
                           String outSha256,
                           RunReport.MetricsSummary metrics, Map<String, Long> timings,
                           List<RunReport.QuantErrorSummary> quantizationError) {
        long inBytes = fileBytes(in.modelPath());
        var provenance = new RunReport.Provenance(in.config().sha256(), in.fp32Sha(), in.params().seed(),
                in.backend());
        var model = new RunReport.ModelSummary(in.modelPath().toString(), in.fp32Sha(), in.graph().opset(),
                in.graph().nodes().size(), inBytes);
        var output = new RunReport.OutputSummary(modelOut.toString(), outBytes,
                inBytes == 0 ? 0 : (double) outBytes / inBytes, externalData, outSha256);
        long nonFinite = in.stats().results().values().stream().mapToLong(StatResult::nonFinite).sum();
        var calibration = new RunReport.CalibrationSummary(in.config().engine().dataSource().toString(),
                in.samplesAvailable(), in.params().statSubsetSize() == null ? in.samplesAvailable()
                : in.params().statSubsetSize(), in.stats().samples(), in.partitions(),
                in.params().statBatchSize(), in.params().shuffleData(), in.params().seed(), nonFinite,
                in.statisticsPasses(), in.histogramTensors(), in.warnings(),
                in.statisticsFrom() == null ? null : in.statisticsFrom().toString());
        return new RunReport(RunReport.FORMAT_VERSION, "spark-ptq", ToolVersion.get(), provenance,
                ReportWriter.tree(in.config()), model, output, calibration, quantization(in), metrics, timings,
                in.biasCorrection(), quantizationError, in.adjustments(), in.integerKernels(), null)
                .withLayerwiseTuning(in.layerwiseTuning()).withSpeed(in.speed());
    }

    private static RunReport.QuantizationSummary quantization(QuantizationPipeline.ReportInputs in) {
        Map<String, Integer> byType = new TreeMap<>();
        for (String node : in.plan().quantizedNodes()) {
            in.graph().node(node).map(Node::opType).ifPresent(t -> byType.merge(t, 1, Integer::sum));
        }
        List<RunReport.TensorSummary> tensors = new ArrayList<>();
        for (QuantizationPoint p : in.plan().points()) {
            tensors.add(tensor(p, in.qparams().params().get(p.id()), in.qparams().ranges().get(p.id())));
        }
        var c = in.config().compression();
        return new RunReport.QuantizationSummary(in.params().preset().name().toLowerCase(),
                c.targetDevice().name(), c.modelType().name().toLowerCase(), in.plan().quantizedNodes().size(),
                in.plan().points().size(), in.plan().activations().size(), in.plan().weights().size(), byType,
                in.plan().notes(), tensors);
    }

    private static RunReport.TensorSummary tensor(QuantizationPoint p, QuantParams q, Range r) {
        float[] s = q.scale();
        int[] z = q.zeroPoint();
        float smin = Float.MAX_VALUE;
        float smax = 0;
        boolean sameZp = true;
        for (int i = 0; i < s.length; i++) {
            smin = Math.min(smin, s[i]);
            smax = Math.max(smax, s[i]);
            sameZp &= z[i] == z[0];
        }
        double rmin = Double.MAX_VALUE;
        double rmax = -Double.MAX_VALUE;
        for (int i = 0; i < r.min().length; i++) {
            rmin = Math.min(rmin, r.min()[i]);
            rmax = Math.max(rmax, r.max()[i]);
        }
        return new RunReport.TensorSummary(p.tensor(), p.kind().name().toLowerCase(), q.storage().name(), q.axis(),
                s.length, smin, smax, sameZp ? z[0] : null, q.levelLow(), q.levelHigh(), rmin, rmax, p.tiedTo());
    }

    private static long fileBytes(Path model) {
        try {
            long bytes = java.nio.file.Files.size(model);
            Path data = model.resolveSibling(model.getFileName() + ".data");
            return bytes + (java.nio.file.Files.exists(data) ? java.nio.file.Files.size(data) : 0);
        } catch (java.io.IOException e) {
            return 0;
        }
    }

}
