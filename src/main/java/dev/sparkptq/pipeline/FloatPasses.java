package dev.sparkptq.pipeline;

import dev.sparkptq.report.StatisticsCache;
import dev.sparkptq.step.ModelState;
import dev.sparkptq.step.StatisticsRequest;
import dev.sparkptq.stats.Histogram;
import dev.sparkptq.stats.HistogramSet;
import dev.sparkptq.stats.StatResult;
import dev.sparkptq.stats.StatisticSpec;
import dev.sparkptq.stats.StatisticsSet;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The pipeline's own statistics passes: one per group of step requests on the float model (see {@link StepRunner}).
 * The pass holding the run's calibration request is special: it is what {@code --statistics} replaces (an earlier
 * run's statistics.json, checked against this model and these requests), and what this run writes to
 * statistics.json and reports under {@code calibration}.
 */
final class FloatPasses {
    private final RunPasses passes;
    private final Consumer<String> log;
    private final Stopwatch clock;
    private final Path reuse;
    private final String fp32Sha;
    private final String dataSource;
    private Calibration calibration;

    /**
     * @param reuse      an earlier run's statistics.json standing for the calibration pass, or null
     * @param dataSource the data source's name, as statistics.json records it
     */
    FloatPasses(RunPasses passes, Consumer<String> log, Stopwatch clock, Path reuse, String fp32Sha,
                String dataSource) {
        this.passes = passes;
        this.log = log;
        this.clock = clock;
        this.reuse = reuse;
        this.fp32Sha = fp32Sha;
        this.dataSource = dataSource;
    }

    /**
     * The calibration pass as the report shows it: its statistics (those of an earlier run when reused), how many
     * passes over the samples it took (0 when reused) and how many histograms it counted.
     */
    record Calibration(StatisticsCache.Content content, int passes, int histograms) {
    }

    /** What one pass delivered, and the warnings it raised. */
    record Collected(Map<StatisticSpec, StatResult> results, Map<String, Histogram> histograms,
                     List<String> warnings) {
    }

    /** The calibration pass, or an empty one when no step asked for calibration statistics. */
    Calibration calibration() {
        return calibration != null ? calibration : new Calibration(StatisticsCache.of(fp32Sha, dataSource, 0,
                Map.of(), Map.of()), 0, 0);
    }

    /** One pass collecting every request on {@code state}'s float model. */
    Collected collect(ModelState state, List<StatisticsRequest> requests) {
        StatisticsPass pass = StatisticsPass.of(requests, state.graph(), passes.inplace());
        boolean isCalibration = requests.stream().anyMatch(StatisticsRequest::calibration);
        if (isCalibration && reuse != null) {
            log.accept("reusing statistics from " + reuse);
            StatisticsCache.Content reused = StatisticsCache.load(reuse, fp32Sha, pass.specs(),
                    pass.histogramTensors());
            clock.lap("statistics");
            calibration = new Calibration(reused, 0, reused.histograms().size());
            return new Collected(reused.results(), reused.histogramResults(), List.of());
        }
        List<String> warnings = new ArrayList<>();
        List<dev.sparkptq.data.SampleRef> calib = passes.calibration();
        int partitions = passes.partitions(calib.size());
        log.accept("collecting statistics of " + pass.tensors().size() + " tensors over " + calib.size()
                + " samples in " + partitions + " partitions (" + passes.backend().describe() + ", pass 1 of "
                + pass.passes() + ")");
        StatisticsJob job = pass.pass1(state.model(), passes.workDir().resolve("stats"), passes.source(),
                passes.batchSize(), passes.threads());
        StatisticsSet stats = passes.backend().collect(job, calib, partitions);
        stats.requireComplete();
        if (isCalibration) {
            NonFiniteWarning.of(stats).ifPresent(warnings::add);
        }
        clock.lap("statistics");
        HistogramSet histograms = histograms(pass, job, stats, calib, partitions);
        if (pass.passes() > 1) {
            clock.lap("histograms");
        }
        if (isCalibration) {
            StatisticsCache.Content content = StatisticsCache.of(fp32Sha, dataSource, calib.size(), stats.results(),
                    histograms.results());
            calibration = new Calibration(content, pass.passes(), content.histograms().size());
        }
        return new Collected(stats.results(), histograms.results(), warnings);
    }

    /**
     * The histograms: pass 1's grid histograms, plus pass 2 when some histogram's edges come from pass 1 — the same
     * samples, partitions and exposed model as pass 1, counting every element into bins fixed by pass 1's results.
     */
    private HistogramSet histograms(StatisticsPass pass, StatisticsJob pass1, StatisticsSet stats,
                                    List<dev.sparkptq.data.SampleRef> calib, int partitions) {
        if (pass.passes() == 1) {
            return stats.histograms(); // grid histograms, counted in pass 1 (empty when none)
        }
        StatisticsJob job = pass.pass2(pass1, stats.results());
        log.accept("counting histograms of " + job.histograms().size() + " tensors over " + calib.size()
                + " samples (pass 2)");
        HistogramSet histograms = passes.backend().histograms(job, calib, partitions);
        histograms.requireComplete();
        return stats.histograms().union(histograms);
    }
}
