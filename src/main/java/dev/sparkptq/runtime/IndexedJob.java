package dev.sparkptq.runtime;

import java.io.Serializable;

/**
 * Work split into numbered tasks that need no input but their number (e.g. one accuracy-aware experiment per
 * (candidate, sample shard)): a backend runs task {@code 0 .. tasks()-1}, one Spark task each, and returns the
 * results in task order. The job itself is broadcast, so it should hold what every task needs once.
 *
 * @param <R> a task's result, shipped back to the driver
 */
public interface IndexedJob<R extends Serializable> extends Serializable {
    int tasks();

    R run(int task, EngineFactory engines);

    /** The stage name shown in progress lines and the Spark UI. */
    String stage();
}
