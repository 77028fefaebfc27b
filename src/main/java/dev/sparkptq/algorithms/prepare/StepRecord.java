package dev.sparkptq.algorithms.prepare;

import java.util.List;

/**
 * What one preparation step did.
 *
 * @param step    the step's name (snake_case, stable: report.json's key)
 * @param changes how many nodes, values or tensors it changed (0: nothing to do)
 * @param summary one sentence for the log and the report ("35 BatchNormalization folded into the Conv before them")
 * @param names   the first {@link #MAX_NAMES} node or tensor names it changed, in graph order
 */
public record StepRecord(String step, int changes, String summary, List<String> names) {
    /** How many names a record keeps: enough to find them, small enough for a report. */
    public static final int MAX_NAMES = 10;

    public StepRecord {
        names = List.copyOf(names.size() > MAX_NAMES ? names.subList(0, MAX_NAMES) : names);
    }

    /** {@code "1 node"}, {@code "2 nodes"}: a count with its noun, plural with an {@code s} unless it is 1. */
    static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /** A step that found nothing to do. */
    static StepRecord none(String step, String summary) {
        return new StepRecord(step, 0, summary, List.of());
    }
}
