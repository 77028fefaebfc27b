package dev.sparkptq.algorithms.layerwise;

/** The classes layer-wise tuning ships through Spark, for the Kryo registrator (the job and its task result). */
public final class LayerwiseTuningTasks {
    public static final Class<?> JOB = GramJob.class;
    public static final Class<?> RESULT = GramJob.Partial.class;

    private LayerwiseTuningTasks() {
    }
}
