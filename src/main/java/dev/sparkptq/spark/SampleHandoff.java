package dev.sparkptq.spark;

import dev.sparkptq.data.Sample;
import org.apache.spark.TaskContext;
import org.apache.spark.util.TaskCompletionListener;

import java.util.HashMap;
import java.util.Map;

/**
 * Samples decoded by a task's RDD iterator on their way to the source's {@code load} on the same thread (the workers
 * load every ref right after taking it, so at most a batch is held). Keyed by the source's token and the sample's
 * key, so two sources in one task never mix.
 */
final class SampleHandoff {
    private static final ThreadLocal<Map<String, Sample>> HELD = ThreadLocal.withInitial(HashMap::new);

    private SampleHandoff() {
    }

    static void put(String token, String key, Sample sample) {
        HELD.get().put(token + '/' + key, sample);
    }

    /** The held sample, removed; null when this thread holds none for the key. */
    static Sample take(String token, String key) {
        return HELD.get().remove(token + '/' + key);
    }

    /** Drops whatever this thread still holds for the source {@code token}. */
    static void forget(String token) {
        HELD.get().keySet().removeIf(k -> k.startsWith(token + '/'));
    }

    /** A worker that failed mid-batch must not leave decoded samples on the pooled task thread. */
    static void forgetWhenTaskEnds(String token) {
        TaskContext task = TaskContext.get();
        if (task != null) {
            task.addTaskCompletionListener((TaskCompletionListener) c -> forget(token));
        }
    }
}
