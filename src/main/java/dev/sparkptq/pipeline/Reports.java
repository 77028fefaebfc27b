package dev.sparkptq.pipeline;

import dev.sparkptq.calibration.Range;
import dev.sparkptq.core.QuantParams;
import dev.sparkptq.graph.Node;
import dev.sparkptq.plan.QuantizationPlan;
import dev.sparkptq.plan.QuantizationPoint;
import dev.sparkptq.plan.QuantizerParameters;
import dev.sparkptq.report.ReportWriter;
import dev.sparkptq.report.RunReport;
import dev.sparkptq.report.StatisticsCache;
import dev.sparkptq.report.ToolVersion;
import dev.sparkptq.step.ModelState;
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

    static RunReport build(QuantizationPipeline.ReportInputs in, String modelOut, long outBytes, String externalData,
                           String outSha256,
                           RunReport.MetricsSummary metrics, Map<String, Long> timings,
                           List<RunReport.QuantErrorSummary> quantizationError) {
        QuantizationPipeline.RunFacts run = in.run();
        ModelState state = in.state();
        long inBytes = fileBytes(run.modelPath());
        var provenance = new RunReport.Provenance(run.config().sha256(), run.fp32Sha(), run.params().seed(),
                run.backend());
        var model = new RunReport.ModelSummary(run.config().model().source().toString(), run.fp32Sha(), state.graph().opset(),
                state.graph().nodes().size(), inBytes);
        var output = new RunReport.OutputSummary(modelOut, outBytes,
                inBytes == 0 ? 0 : (double) outBytes / inBytes, externalData, outSha256);
        return new RunReport(RunReport.FORMAT_VERSION, "spark-ptq", ToolVersion.get(), provenance,
                ReportWriter.tree(run.config()), model, output, calibration(in), quantization(run, state), metrics,
                timings, state.section(RunReport.BiasCorrectionSummary.class).orElse(null), quantizationError,
                state.section(RunReport.AdjustmentSummary.class).orElse(null),
                state.section(RunReport.IntegerKernelSummary.class).orElse(null), null)
                .withLayerwiseTuning(state.section(RunReport.LayerwiseTuningSummary.class).orElse(null))
                .withPreparation(state.section(RunReport.PreparationSummary.class).orElse(null))
                .withKernelChoice(state.section(RunReport.KernelChoiceSummary.class).orElse(null))
                .withSpeed(state.section(RunReport.SpeedSummary.class).orElse(null))
                .withFidelity(state.section(RunReport.FidelitySummary.class).orElse(null));
    }

    private static RunReport.CalibrationSummary calibration(QuantizationPipeline.ReportInputs in) {
        QuantizationPipeline.RunFacts run = in.run();
        StatisticsCache.Content stats = in.calibration().content();
        long nonFinite = stats.results().values().stream().mapToLong(StatResult::nonFinite).sum();
        return new RunReport.CalibrationSummary(run.config().engine().dataName(),
                run.samplesAvailable(), run.params().statSubsetSize() == null ? run.samplesAvailable()
                : run.params().statSubsetSize(), stats.samples(), run.partitions(),
                run.params().statBatchSize(), run.params().shuffleData(), run.params().seed(), nonFinite,
                in.calibration().passes(), in.calibration().histograms(), in.state().warnings(),
                run.statisticsFrom() == null ? null : run.statisticsFrom().toString());
    }

    private static RunReport.QuantizationSummary quantization(QuantizationPipeline.RunFacts run, ModelState state) {
        QuantizationPlan plan = state.plan();
        Map<String, Integer> byType = new TreeMap<>();
        for (String node : plan.quantizedNodes()) {
            state.graph().node(node).map(Node::opType).ifPresent(t -> byType.merge(t, 1, Integer::sum));
        }
        List<RunReport.TensorSummary> tensors = new ArrayList<>();
        QuantizerParameters q = state.parameters();
        for (QuantizationPoint p : plan.points()) {
            tensors.add(tensor(p, q.params().get(p.id()), q.ranges().get(p.id())));
        }
        var c = run.config().compression();
        return new RunReport.QuantizationSummary(run.params().preset().name().toLowerCase(),
                c.targetDevice().name(), c.modelType().name().toLowerCase(), plan.quantizedNodes().size(),
                plan.points().size(), plan.activations().size(), plan.weights().size(), byType,
                plan.notes(), tensors);
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
