package dev.sparkptq.aaq;

import dev.sparkptq.config.AccuracyAwareSpec;
import dev.sparkptq.config.MetricSpec;
import dev.sparkptq.data.DataSource;
import dev.sparkptq.data.SampleRef;
import dev.sparkptq.data.Subsets;
import dev.sparkptq.pipeline.CandidateRecipe;
import dev.sparkptq.pipeline.StatisticsBackend;
import dev.sparkptq.plan.RevertGroup;

import java.util.ArrayList;
import java.util.List;

/**
 * Evaluates candidates through the backend: a full evaluation is one job over the validation shards; a ranking
 * round is one job over (candidate, subset shard) pairs, reduced here per candidate.
 */
final class Evaluator {
    private final StatisticsBackend backend;
    private final CandidateRecipe recipe;
    private final List<RevertGroup> groups;
    private final AccuracyAwareSpec spec;
    private final List<MetricSpec> metrics;
    private final DataSource source;
    private final int threads;
    private final int partitions;
    private int subsetEvaluations;
    private int fullEvaluations;

    Evaluator(StatisticsBackend backend, CandidateRecipe recipe, List<RevertGroup> groups, AccuracyAwareSpec spec,
              List<MetricSpec> metrics, DataSource source, int threads, int partitions) {
        this.backend = backend;
        this.recipe = recipe;
        this.groups = List.copyOf(groups);
        this.spec = spec;
        this.metrics = List.copyOf(metrics);
        this.source = source;
        this.threads = threads;
        this.partitions = partitions;
    }

    /** One candidate on every sample of {@code refs}. */
    Evaluated full(int[] reverted, List<SampleRef> refs, String stage) {
        fullEvaluations++;
        return evaluate(List.of(reverted), refs, stage).get(0);
    }

    /**
     * Every candidate on {@code refs} in one job (a ranking round). The subset is split into only as many shards as
     * it takes to give every partition slot about two tasks: each extra shard makes every executor that runs it
     * build the candidate and open its session once more.
     */
    List<Evaluated> subset(List<int[]> candidates, List<SampleRef> refs) {
        subsetEvaluations += candidates.size();
        int shards = (int) Math.ceil(2.0 * partitions / Math.max(1, candidates.size()));
        return evaluate(candidates, refs, "accuracy-aware ranking", shards);
    }

    private List<Evaluated> evaluate(List<int[]> candidates, List<SampleRef> refs, String stage) {
        return evaluate(candidates, refs, stage, partitions);
    }

    private List<Evaluated> evaluate(List<int[]> candidates, List<SampleRef> refs, String stage, int split) {
        if (candidates.isEmpty()) {
            return List.of();
        }
        int shards = Math.max(1, Math.min(split, refs.size()));
        CandidateJob job = new CandidateJob(recipe, groups, spec, candidates, Subsets.slices(refs, shards),
                metrics, source, threads, stage);
        List<ShardResult> results = backend.runIndexed(job);
        List<Evaluated> out = new ArrayList<>();
        for (int c = 0; c < candidates.size(); c++) {
            out.add(Evaluated.merge(results.subList(c * shards, (c + 1) * shards)));
        }
        return out;
    }

    int subsetEvaluations() {
        return subsetEvaluations;
    }

    /** Tasks of a ranking round over {@code candidates} candidates and {@code samples} samples. */
    int rankingTasks(int candidates, int samples) {
        int shards = (int) Math.ceil(2.0 * partitions / Math.max(1, candidates));
        return candidates * Math.max(1, Math.min(shards, samples));
    }

    int fullEvaluations() {
        return fullEvaluations;
    }

    /** Restores the counters of a resumed search. */
    void restoreCounts(int subset, int full) {
        subsetEvaluations = subset;
        fullEvaluations = full;
    }
}
