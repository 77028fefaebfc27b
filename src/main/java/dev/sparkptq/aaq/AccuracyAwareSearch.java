package dev.sparkptq.aaq;

import dev.sparkptq.config.AccuracyAwareSpec;
import dev.sparkptq.data.SampleRef;
import dev.sparkptq.plan.RevertGroup;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * POT's greedy loop (ptq-tools.md §1.6 step 7) over a ranked list of revert groups: revert the top group, evaluate on
 * the full validation data, keep it — or, when the drop grew and {@code use_prev_if_drop_increase}, roll it back
 * (the group is not tried again) and re-rank; stop when every target is met, no group is left, or
 * {@code max_iter_num} iterations ran. The state is checkpointed after every iteration and every ranking round.
 */
final class AccuracyAwareSearch {
    private final Evaluator evaluator;
    private final List<RevertGroup> groups;
    private final Targets targets;
    private final AccuracyAwareSpec spec;
    private final List<SampleRef> validation;
    private final dev.sparkptq.core.Location checkpointDir;
    private final Consumer<String> log;

    AccuracyAwareSearch(Evaluator evaluator, List<RevertGroup> groups, Targets targets, AccuracyAwareSpec spec,
                        List<SampleRef> validation, dev.sparkptq.core.Location checkpointDir,
                        Consumer<String> log) {
        this.evaluator = evaluator;
        this.groups = groups;
        this.targets = targets;
        this.spec = spec;
        this.validation = validation;
        this.checkpointDir = checkpointDir;
        this.log = log;
    }

    /** Runs (or continues) the search on {@code s} until it finishes; {@code s} holds the outcome. */
    void run(SearchState s) {
        int maxIter = spec.maxIterNum() == null ? groups.size() : spec.maxIterNum();
        while (!s.finished) {
            if (targets.met(s.current) || s.iterations.size() >= maxIter) {
                s.finished = true;
            } else if (s.ranking == null) {
                rank(s);
            } else if (s.ranking.isEmpty()) {
                s.finished = true;
            } else {
                step(s);
            }
            s.subsetEvaluations = evaluator.subsetEvaluations();
            s.fullEvaluations = evaluator.fullEvaluations();
            Checkpoint.save(checkpointDir, s);
        }
        if (targets.met(s.current) && !s.pruned) {
            prune(s);
            s.pruned = true;
            s.fullEvaluations = evaluator.fullEvaluations();
            Checkpoint.save(checkpointDir, s);
        }
    }

    /**
     * The greedy loop stops at the first model that meets the target, but a group reverted early may have become
     * unnecessary once later ones were reverted (their errors add up along the graph). Each reverted group, the last
     * one first, is tried back in its quantized form on the full validation data and stays quantized when the target
     * still holds: fewer float islands, a faster model at the same guarantee. One full evaluation per reverted group.
     */
    private void prune(SearchState s) {
        List<Integer> order = new ArrayList<>(s.reverted);
        java.util.Collections.reverse(order);
        for (int g : order) {
            if (s.reverted.size() < 2) {
                return; // without its last revert the model is the base quantization, which missed the target
            }
            List<Integer> without = new ArrayList<>(s.reverted);
            without.remove(Integer.valueOf(g));
            int[] candidate = without.stream().mapToInt(Integer::intValue).sorted().toArray();
            Evaluated e = evaluator.full(candidate, validation, "accuracy-aware pruning");
            boolean met = targets.met(e.candidate().values());
            SearchState.Iteration it = new SearchState.Iteration();
            it.iteration = s.iterations.size() + 1;
            it.group = g;
            it.label = groups.get(g).label();
            it.drop = targets.drop(s.metric, e.candidate().values());
            it.outcome = met ? "restored" : "needed";
            if (met) {
                s.reverted.remove(Integer.valueOf(g));
                s.current = new java.util.LinkedHashMap<>(e.candidate().values());
            }
            s.iterations.add(it);
            log.accept("pruning: " + it.label + (met ? " quantized again" : " stays reverted") + " → " + s.metric
                    + " drop " + String.format("%.5f", it.drop));
        }
    }

    private void step(SearchState s) {
        int g = s.ranking.remove(0);
        int[] candidate = with(s.reverted, g);
        Evaluated e = evaluator.full(candidate, validation, "accuracy-aware evaluation");
        double before = targets.drop(s.metric, s.current);
        double after = targets.drop(s.metric, e.candidate().values());
        SearchState.Iteration it = new SearchState.Iteration();
        it.iteration = s.iterations.size() + 1;
        it.group = g;
        it.label = groups.get(g).label();
        it.drop = after;
        if (after > before && spec.usePrevIfDropIncrease() && !s.lastWasRollback) {
            it.outcome = "rolled_back";
            s.excluded.add(g);
            s.lastWasRollback = true;
            s.ranking = null; // re-rank the remaining groups around the previous model
        } else {
            it.outcome = "kept";
            s.reverted.add(g);
            s.current = new java.util.LinkedHashMap<>(e.candidate().values());
            s.lastWasRollback = false;
            if (targets.excess(s.current) < targets.excess(s.bestValues)) {
                s.best = new ArrayList<>(s.reverted);
                s.bestValues = new java.util.LinkedHashMap<>(s.current);
            }
        }
        s.iterations.add(it);
        log.accept("iteration " + it.iteration + ": reverted " + it.label + " → " + s.metric + " drop "
                + String.format("%.5f", after) + " (" + it.outcome + ")");
    }

    /** One ranking round: each remaining group reverted alone (on top of the kept ones) on the ranking subset. */
    private void rank(SearchState s) {
        s.metric = targets.worst(s.current);
        List<Integer> remaining = IntStream.range(0, groups.size()).boxed()
                .filter(g -> !s.reverted.contains(g) && !s.excluded.contains(g)).toList();
        List<SampleRef> subset = s.subset.stream().map(validation::get).toList();
        long t0 = System.nanoTime();
        List<int[]> candidates = remaining.stream().map(g -> with(s.reverted, g)).toList();
        List<Evaluated> results = evaluator.subset(candidates, subset);
        SearchState.Round round = new SearchState.Round();
        round.metric = s.metric;
        round.wallMs = (System.nanoTime() - t0) / 1_000_000;
        List<double[]> scored = new ArrayList<>();
        for (int i = 0; i < remaining.size(); i++) {
            double d = drop(s.metric, results.get(i));
            round.scores.put(remaining.get(i), d);
            scored.add(new double[]{remaining.get(i), d});
        }
        scored.sort(Comparator.<double[]>comparingDouble(x -> x[1]).thenComparingDouble(x -> x[0]));
        s.ranking = new ArrayList<>(scored.stream().map(x -> (int) x[0]).toList());
        s.rounds.add(round);
        log.accept("ranking round " + s.rounds.size() + ": " + remaining.size() + " groups on " + subset.size()
                + " samples in " + round.wallMs + " ms");
    }

    /** A group's ranking score: the metric's drop on the subset against the FP32 model on the same samples. */
    private double drop(String metric, Evaluated e) {
        double f = e.fp32().get(metric);
        double q = e.candidate().get(metric);
        return dev.sparkptq.accuracy.Drop.absolute(f, q, targets.metric(metric).higherBetter());
    }

    static int[] with(List<Integer> reverted, int g) {
        int[] out = new int[reverted.size() + 1];
        for (int i = 0; i < reverted.size(); i++) {
            out[i] = reverted.get(i);
        }
        out[reverted.size()] = g;
        java.util.Arrays.sort(out);
        return out;
    }
}
