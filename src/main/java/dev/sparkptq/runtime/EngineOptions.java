package dev.sparkptq.runtime;

import java.io.Serializable;

/**
 * Typed runtime options.
 *
 * @param intraOpThreads threads for one inference (size to the task's cores); 0 = runtime default
 * @param optimization   graph optimization level
 */
public record EngineOptions(int intraOpThreads, Optimization optimization) implements Serializable {
    public enum Optimization {
        /** no graph rewrites: what statistics collection needs (every tensor keeps its name and meaning) */
        NONE,
        /** all rewrites, including Q/DQ fusion into integer kernels: what evaluation and latency need */
        ALL
    }

    public static EngineOptions forStatistics(int threads) {
        return new EngineOptions(threads, Optimization.NONE);
    }

    public static EngineOptions forInference(int threads) {
        return new EngineOptions(threads, Optimization.ALL);
    }
}
