package dev.sparkptq.runtime;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * What a latency measurement counts.
 *
 * <p>Why not always wall time: on a shared machine (eight builds on two cores) a run is descheduled for whole
 * milliseconds, so wall-clock rounds of the same model spread by 2–5× while the CPU time the calling thread spent in
 * it spreads by a few percent. With one intra-op thread ONNX Runtime executes every kernel on the calling thread, so
 * that thread's CPU time is exactly the inference's work; with more threads part of the work runs on the runtime's
 * pool and only wall time sees it.
 */
public enum LatencyClock {
    /** {@link System#nanoTime()}: what a user waits, including time the thread was not running. */
    WALL,
    /** CPU time of the calling thread: the work of a one-thread inference, immune to descheduling. */
    THREAD_CPU;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** The clock for {@code intraOpThreads}: thread CPU time for one thread when the JVM can measure it, else wall. */
    public static LatencyClock forThreads(int intraOpThreads) {
        return intraOpThreads == 1 && THREADS.isCurrentThreadCpuTimeSupported() ? THREAD_CPU : WALL;
    }

    /** The current reading in nanoseconds (only differences are meaningful). */
    public long nanos() {
        if (this == WALL) {
            return System.nanoTime();
        }
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : 0;
    }

    /** Both clocks read at the start of a measurement. */
    public record Start(long wallNanos, long cpuNanos) {
        /** The time since this start, per sample. */
        public Reading perSample(long samples) {
            double n = Math.max(1, samples) * 1e6;
            return new Reading((WALL.nanos() - wallNanos) / n, (THREAD_CPU.nanos() - cpuNanos) / n);
        }
    }

    /** Milliseconds per sample on both clocks. */
    public record Reading(double wallMs, double cpuMs) {
        /** The reading of {@code clock}. */
        public double ms(LatencyClock clock) {
            return clock == WALL ? wallMs : cpuMs;
        }
    }

    /** Starts a measurement on both clocks (thread CPU time reads 0 where the JVM cannot measure it). */
    public static Start start() {
        return new Start(WALL.nanos(), THREADS.isCurrentThreadCpuTimeSupported() ? THREAD_CPU.nanos() : 0);
    }

    /** Report name: {@code wall} or {@code thread_cpu}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
