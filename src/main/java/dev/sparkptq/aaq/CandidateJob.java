package dev.sparkptq.aaq;

import dev.sparkptq.config.AccuracyAwareSpec;
import dev.sparkptq.config.MetricSpec;
import dev.sparkptq.data.DataSource;
import dev.sparkptq.data.SampleRef;
import dev.sparkptq.pipeline.CandidateRecipe;
import dev.sparkptq.runtime.IndexedJob;
import dev.sparkptq.plan.RevertGroup;
import dev.sparkptq.runtime.EngineFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Evaluations of several candidates over the same sample shards, one task per (candidate, shard): task
 * {@code i} evaluates candidate {@code i / shards} on shard {@code i % shards}. What is broadcast is the recipe (FP32
 * model, base plan, parameters), the groups and the candidates' reverted-group ids — never a built model; every task
 * rebuilds its candidate (cached per JVM by digest). A plain class: Kryo cannot ship records.
 */
final class CandidateJob implements IndexedJob<ShardResult> {
    private static final long serialVersionUID = 1L;

    final CandidateRecipe recipe;
    final ArrayList<RevertGroup> groups;
    final AccuracyAwareSpec spec;
    final ArrayList<int[]> candidates;
    final ArrayList<ArrayList<SampleRef>> shards;
    final ArrayList<MetricSpec> metrics;
    final DataSource source;
    final int threads;
    final String stage;

    CandidateJob(CandidateRecipe recipe, List<RevertGroup> groups, AccuracyAwareSpec spec, List<int[]> candidates,
                 List<List<SampleRef>> shards, List<MetricSpec> metrics, DataSource source, int threads,
                 String stage) {
        this.recipe = recipe;
        this.groups = new ArrayList<>(groups);
        this.spec = spec;
        this.candidates = new ArrayList<>(candidates);
        this.shards = new ArrayList<>();
        shards.forEach(s -> this.shards.add(new ArrayList<>(s)));
        this.metrics = new ArrayList<>(metrics);
        this.source = source;
        this.threads = threads;
        this.stage = stage;
    }

    @Override
    public int tasks() {
        return candidates.size() * shards.size();
    }

    @Override
    public ShardResult run(int task, EngineFactory engines) {
        int[] reverted = candidates.get(task / shards.size());
        return CandidateWorker.evaluate(this, reverted, shards.get(task % shards.size()).iterator(), engines);
    }

    @Override
    public String stage() {
        return stage;
    }
}
