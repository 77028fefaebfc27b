package dev.sparkptq.pipeline;

import dev.sparkptq.data.SampleRef;
import dev.sparkptq.report.StatisticsCache;
import dev.sparkptq.runtime.EngineFactory;
import dev.sparkptq.runtime.IndexedJob;
import dev.sparkptq.runtime.ort.OrtEngineFactory;
import dev.sparkptq.stats.HistogramSet;
import dev.sparkptq.stats.PerSampleStat;
import dev.sparkptq.stats.StatisticSpec;
import dev.sparkptq.stats.StatisticsSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DefaultQuantization as steps, through a backend that records every statistics pass: the ranges and fast bias
 * correction's means come from one pass over the calibration samples, which is what statistics.json records.
 */
class DefaultQuantizationPassesTest {
    /** The reference backend, recording the specs of each statistics pass it runs. */
    private static final class Recording implements StatisticsBackend {
        final InProcessBackend inner = new InProcessBackend(new OrtEngineFactory());
        final List<List<StatisticSpec>> passes = new ArrayList<>();

        @Override
        public StatisticsSet collect(StatisticsJob job, List<SampleRef> refs, int partitions) {
            passes.add(job.specs());
            return inner.collect(job, refs, partitions);
        }

        @Override
        public HistogramSet histograms(StatisticsJob job, List<SampleRef> refs, int partitions) {
            return inner.histograms(job, refs, partitions);
        }

        @Override
        public EvaluationResult evaluate(EvaluationJob job, List<SampleRef> refs, int partitions) {
            return inner.evaluate(job, refs, partitions);
        }

        @Override
        public QuantNoiseSums quantNoise(QuantNoiseJob job, List<SampleRef> refs, int partitions) {
            return inner.quantNoise(job, refs, partitions);
        }

        @Override
        public <R extends Serializable> List<R> runIndexed(IndexedJob<R> job) {
            return inner.runIndexed(job);
        }

        @Override
        public EngineFactory engines() {
            return inner.engines();
        }

        @Override
        public String describe() {
            return inner.describe();
        }
    }

    @Test
    void rangesAndBiasMeansShareOnePass(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 6, 3);
        Recording backend = new Recording();
        // with cross-layer equalization on (the default) its channel ranges take a pass of their own before this one
        RunResult r = new QuantizationPipeline(backend, m -> { }).run(t.configNoCle(1, "performance"),
                t.options(tmp.resolve("out"), RunOptions.Evaluation.SKIP));
        assertEquals(1, backend.passes.size(), "one statistics pass: " + backend.passes);
        List<StatisticSpec> specs = backend.passes.get(0);
        assertTrue(specs.stream().anyMatch(s -> s.stat() == PerSampleStat.MEAN && s.tensor().equals("c1")),
                "conv1's output mean (fast bias correction) is in the ranges' pass: " + specs);
        assertTrue(specs.stream().anyMatch(s -> s.stat() == PerSampleStat.ABS_MAX && s.tensor().equals("r1")),
                "r1's range statistic is in it: " + specs);
        assertEquals("fast", r.report().biasCorrection().mode());
        assertEquals(1, r.report().calibration().statisticsPasses());
        StatisticsCache.Content saved = StatisticsCache.read(tmp.resolve("out").resolve("statistics.json"));
        assertEquals(specs.size(), saved.statistics().size(), "statistics.json holds that pass");
    }
}
