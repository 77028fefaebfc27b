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
        /** no graph rewrites (debugging; every tensor computed exactly as the graph says) */
        NONE,
        /** all rewrites, including Q/DQ fusion into integer kernels: what evaluation and latency need */
        ALL
    }

    /**
     * Statistics sessions use every graph rewrite too: the tensors they measure are graph outputs of the statistics
     * model, and ONNX Runtime never fuses a graph output away, so the measured values are the same (SqueezeNet's
     * ranges agree to 3e-8 relative with and without rewrites) while inference runs at full speed.
     */
    public static EngineOptions forStatistics(int threads) {
        return new EngineOptions(threads, Optimization.ALL);
    }

    public static EngineOptions forInference(int threads) {
        return new EngineOptions(threads, Optimization.ALL);
    }
}
