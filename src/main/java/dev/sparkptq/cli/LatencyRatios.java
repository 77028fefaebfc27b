package dev.sparkptq.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkptq.runtime.Latency;
import dev.sparkptq.runtime.LatencyClock;
import dev.sparkptq.runtime.LatencyComparison;

/**
 * Latency of several models timed in the same interleaved rounds, as the speed-ups issue 13 judges: each model
 * against the first (FP32), as the median of the per-round ratios (paired: machine drift between rounds cancels), with
 * the lowest and highest round, on wall-clock time and — with one thread, where ONNX Runtime runs every kernel on the
 * calling thread — on that thread's CPU time, which other load on a shared machine does not inflate.
 *
 * @param perRound {@code [model][round]} readings
 * @param threads  intra-op threads the models ran with
 */
record LatencyRatios(LatencyClock.Reading[][] perRound, int threads) {
    /** Median ms/sample of {@code model} on {@code clock}. */
    double ms(int model, LatencyClock clock) {
        return Latency.median(column(model, clock));
    }

    /** Median over rounds of first-model time / {@code model} time on {@code clock}. */
    double speedup(int model, LatencyClock clock) {
        return LatencyComparison.medianRatio(column(0, clock), column(model, clock));
    }

    /** Lowest and highest per-round ratio. */
    double[] spread(int model, LatencyClock clock) {
        double[] base = column(0, clock);
        double[] other = column(model, clock);
        double lo = Double.MAX_VALUE;
        double hi = 0;
        for (int r = 0; r < base.length; r++) {
            lo = Math.min(lo, base[r] / other[r]);
            hi = Math.max(hi, base[r] / other[r]);
        }
        return new double[]{lo, hi};
    }

    /** Whether the thread-CPU figures mean anything (one intra-op thread). */
    boolean cpuMeaningful() {
        return LatencyClock.forThreads(threads) == LatencyClock.THREAD_CPU;
    }

    /** Writes one model's figures into its JSON entry. */
    void put(ObjectNode m, int model) {
        m.put("ms_per_sample", ms(model, LatencyClock.WALL));
        m.put("speedup_vs_first", speedup(model, LatencyClock.WALL));
        double[] s = spread(model, LatencyClock.WALL);
        m.putArray("speedup_spread").add(s[0]).add(s[1]);
        if (cpuMeaningful()) {
            m.put("thread_cpu_ms_per_sample", ms(model, LatencyClock.THREAD_CPU));
            m.put("thread_cpu_speedup_vs_first", speedup(model, LatencyClock.THREAD_CPU));
            double[] c = spread(model, LatencyClock.THREAD_CPU);
            m.putArray("thread_cpu_speedup_spread").add(c[0]).add(c[1]);
        }
    }

    private double[] column(int model, LatencyClock clock) {
        double[] out = new double[perRound[model].length];
        for (int r = 0; r < out.length; r++) {
            out[r] = perRound[model][r].ms(clock);
        }
        return out;
    }
}
