package dev.sparkptq.aaq;

/** The classes an accuracy-aware search ships to executors, for the Kryo registrator (they are package-private). */
public final class AccuracyAwareTasks {
    public static final Class<?> JOB = CandidateJob.class;
    public static final Class<?> RESULT = ShardResult.class;

    private AccuracyAwareTasks() {
    }
}
