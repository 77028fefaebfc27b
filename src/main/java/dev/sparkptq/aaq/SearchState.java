package dev.sparkptq.aaq;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a search has decided so far, checkpointed after every iteration (see {@link Checkpoint}). Public
 * fields so that the checkpoint is plain JSON that a person can read; everything is deterministic given the config,
 * the model and the data, so resuming from it continues the same search.
 */
public final class SearchState {
    /** The checkpoint layout this build writes and reads; bumped whenever a field changes meaning. */
    public static final int FORMAT = 1;

    /** {@link #FORMAT} of the build that wrote the state (0 in checkpoints written before versioning). */
    public int format = FORMAT;
    /** The base quantization this state belongs to (recipe digest); a checkpoint of another run is refused. */
    public String recipe;
    public Map<String, Double> fp32 = new LinkedHashMap<>();
    public Map<String, Double> baseline = new LinkedHashMap<>();
    public Map<String, Double> base = new LinkedHashMap<>();
    public Map<String, Double> current = new LinkedHashMap<>();
    public long samples;
    /** validation sample indices of the ranking subset */
    public List<Integer> subset = new ArrayList<>();
    public String metric;
    /** reverted groups of the current model, in the order they were reverted */
    public List<Integer> reverted = new ArrayList<>();
    /** groups rolled back (never tried again) */
    public List<Integer> excluded = new ArrayList<>();
    /** groups still to try, best first; null when a ranking round is due */
    public List<Integer> ranking;
    public List<Integer> best = new ArrayList<>();
    public Map<String, Double> bestValues = new LinkedHashMap<>();
    public boolean lastWasRollback;
    public List<Iteration> iterations = new ArrayList<>();
    public List<Round> rounds = new ArrayList<>();
    public int subsetEvaluations;
    public int fullEvaluations;
    public boolean finished;
    /** whether the groups of a model that met the target were tried back in quantized form (see the search) */
    public boolean pruned;

    /** One greedy step. */
    public static final class Iteration {
        public int iteration;
        public int group;
        public String label;
        public double drop;
        /** {@code kept} or {@code rolled_back}; after the target is met, {@code restored} or {@code needed} */
        public String outcome;
    }

    /** One ranking round: every remaining group's drop on the ranking subset with it reverted. */
    public static final class Round {
        public String metric;
        public long wallMs;
        public Map<Integer, Double> scores = new LinkedHashMap<>();
    }
}
