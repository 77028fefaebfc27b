package dev.sparkptq.spark;

import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

import java.util.function.Consumer;

/**
 * Turns Spark's task completions into progress events for the command line: one event when a job starts, one per
 * finished task, one when the job ends. The stage label and sample count come from local properties that
 * {@link SparkBackend} sets before each job.
 */
public final class ProgressListener extends SparkListener {
    static final String STAGE = "sparkptq.stage";
    static final String SAMPLES = "sparkptq.samples";

    /**
     * @param stage   what runs (e.g. "statistics", "evaluation")
     * @param done    finished tasks (partitions)
     * @param total   all tasks of the job
     * @param samples samples the job processes
     * @param elapsedMillis since the job started
     * @param finished true on the job's last event
     */
    public record Event(String stage, int done, int total, long samples, long elapsedMillis, boolean finished) {
        /** Samples per second so far, assuming finished tasks processed equal shares. */
        public double samplesPerSecond() {
            return elapsedMillis == 0 || total == 0 ? 0 : samples * (double) done / total / (elapsedMillis / 1e3);
        }

        /** Estimated seconds left, or -1 before the first task finished. */
        public long etaSeconds() {
            return done == 0 ? -1 : Math.round(elapsedMillis / 1e3 * (total - done) / done);
        }
    }

    private final Consumer<Event> sink;
    private volatile String stage = "";
    private volatile long samples;
    private volatile int total;
    private volatile int done;
    private volatile long started;

    public ProgressListener(Consumer<Event> sink) {
        this.sink = sink;
    }

    @Override
    public void onJobStart(SparkListenerJobStart job) {
        String s = job.properties() == null ? null : job.properties().getProperty(STAGE);
        stage = s == null ? "spark job" : s;
        String n = job.properties() == null ? null : job.properties().getProperty(SAMPLES);
        samples = n == null ? 0 : Long.parseLong(n);
        int tasks = 0;
        for (var info : scala.jdk.javaapi.CollectionConverters.asJava(job.stageInfos())) {
            tasks += info.numTasks();
        }
        total = tasks;
        done = 0;
        started = System.nanoTime();
        emit(false);
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd task) {
        if (task.reason() instanceof org.apache.spark.Success$) {
            done = Math.min(total, done + 1);
            emit(false);
        }
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd job) {
        done = total;
        emit(true);
    }

    private void emit(boolean finished) {
        sink.accept(new Event(stage, done, total, samples, (System.nanoTime() - started) / 1_000_000, finished));
    }
}
