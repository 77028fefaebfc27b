package dev.sparkptq.aaq;

import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.pipeline.BaseQuantization;
import dev.sparkptq.pipeline.QuantizationPipeline;
import dev.sparkptq.pipeline.RunOptions;
import dev.sparkptq.pipeline.StatisticsBackend;
import dev.sparkptq.pipeline.ValidationData;
import dev.sparkptq.plan.RevertGroup;
import dev.sparkptq.plan.RevertGroups;
import dev.sparkptq.runtime.EngineFactory;

import java.util.List;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * Times one ranking round (every revert group reverted alone on a subset of the validation data) on a backend, in
 * the state a search reaches it: samples and FP32 outputs cached by the evaluation before it, no candidate built or
 * session open, so rounds on different backends compare.
 *
 * @param groups  revert groups ranked
 * @param samples subset size
 * @param tasks   Spark tasks of the round (groups × shards)
 * @param millis  wall time of the round alone (base quantization excluded)
 */
public record RankingBenchmark(int groups, int samples, int tasks, long millis) {

    public static RankingBenchmark run(StatisticsBackend backend, EngineFactory engines, PtqConfig config,
                                       RunOptions options, int samples, Consumer<String> log) {
        var spec = AccuracyAwareRun.spec(config);
        BaseQuantization base = new QuantizationPipeline(backend, log).quantizeBase(config, options);
        ValidationData validation = ValidationData.of(config, base.graph(), base.calibration(), null,
                backend.sources(config.engine().numPartitions()));
        List<RevertGroup> groups = RevertGroups.of(base.plan());
        var subset = validation.refs().subList(0, Math.min(samples, validation.refs().size()));
        int partitions = Math.max(1, Math.min(config.engine().numPartitions(), subset.size()));
        Evaluator evaluator = new Evaluator(backend, base.recipe(), groups, spec, config.engine().metrics(),
                validation.source(), options.threadsPerTask(), partitions);
        List<int[]> candidates = IntStream.range(0, groups.size()).mapToObj(g -> new int[]{g}).toList();
        CandidateWorker.clear(engines);
        ReferenceCache.clear();
        // as in a search, the base model's evaluation precedes the round and leaves the samples and FP32 outputs
        // cached on the executors; candidates stay cold (each task builds its candidate and opens its session)
        evaluator.subset(List.of(new int[0]), subset);
        CandidateWorker.clear(engines);
        long t0 = System.nanoTime();
        evaluator.subset(candidates, subset);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        return new RankingBenchmark(groups.size(), subset.size(), evaluator.rankingTasks(groups.size(), subset.size()),
                ms);
    }
}
