package dev.sparkptq.api;

import dev.sparkptq.accuracy.EvaluationAccumulator;
import dev.sparkptq.accuracy.Metric;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.core.TensorInfo;
import dev.sparkptq.data.DataSource;
import dev.sparkptq.data.SampleRef;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.pipeline.StatisticsBackend;
import dev.sparkptq.pipeline.StatisticsJob;
import dev.sparkptq.stats.StatResult;
import dev.sparkptq.stats.StatisticSpec;
import dev.sparkptq.stats.StatisticsSet;
import dev.sparkptq.runtime.EngineOptions;
import dev.sparkptq.runtime.InferenceEngine;
import dev.sparkptq.runtime.ModelBlob;
import dev.sparkptq.runtime.ort.OrtEngineFactory;
import dev.sparkptq.spark.SparkSessions;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * POT's {@code Engine}: runs models on the items of a {@link DataLoader}, or on the rows of a Spark dataset
 * ({@link #withDataset}), with ONNX Runtime — inference, the statistics a {@link Pipeline} collects (also on their
 * own: {@link #statistics}), and {@link Metric}s — either in this JVM ({@link #local()}) or as Spark tasks
 * ({@link #spark(SparkSession)}). Immutable: {@code with…} methods return a new engine on the same runner.
 *
 * <p>Work is split into {@link #withPartitions partitions} contiguous slices, each an ONNX Runtime session with
 * {@link #withThreadsPerTask} intra-op threads; partial results merge in slice order, so the local and the Spark
 * engine give the same numbers. Close the engine made by {@link #spark(String)} to stop its Spark session; closing
 * any other engine does nothing.
 */
public final class Engine implements AutoCloseable {
    /** As the CLI's {@code engine.num_partitions}. */
    public static final int DEFAULT_PARTITIONS = 4;

    private final Runner runner;
    private final EngineData data;
    private final List<Metric> metrics;
    private final int partitions;
    private final int threadsPerTask;
    private final boolean speedGuard;

    private Engine(Runner runner, EngineData data, List<Metric> metrics, int partitions, int threadsPerTask) {
        this(runner, data, metrics, partitions, threadsPerTask, true);
    }

    private Engine(Runner runner, EngineData data, List<Metric> metrics, int partitions, int threadsPerTask,
                   boolean speedGuard) {
        this.runner = runner;
        this.data = data;
        this.metrics = List.copyOf(metrics);
        this.partitions = partitions;
        this.threadsPerTask = threadsPerTask;
        this.speedGuard = speedGuard;
    }

    /** An engine that runs everything in this JVM. */
    public static Engine local() {
        return new Engine(new LocalRunner(), EngineData.NONE, List.of(), DEFAULT_PARTITIONS, 1);
    }

    /**
     * An engine that runs on {@code session}'s cluster; the session stays yours (closing the engine keeps it). Java
     * serialization (Spark's default) or Kryo both work; with {@code spark.kryo.registrationRequired=true} also set
     * {@code spark.kryo.registrator=dev.sparkptq.spark.PtqKryoRegistrator} ({@code SparkSessions.conf} has every
     * setting spark-ptq uses).
     */
    public static Engine spark(SparkSession session) {
        return new Engine(new SparkRunner(session, false), EngineData.NONE, List.of(), DEFAULT_PARTITIONS, 1);
    }

    /**
     * An engine on a new Spark session for {@code master} (e.g. {@code local[4]}, {@code spark://host:7077}), with
     * spark-ptq's settings (Kryo with its registrator, registration not required so your own Spark SQL on the session
     * works); {@link #close()} stops the session.
     */
    public static Engine spark(String master) {
        return new Engine(new SparkRunner(SparkSessions.startForLibrary(master), true), EngineData.NONE, List.of(),
                DEFAULT_PARTITIONS, 1);
    }

    /** The same engine over {@code loader}'s items. */
    public Engine withDataLoader(DataLoader loader) {
        return new Engine(runner, new EngineData.Loader(loader), metrics, partitions, threadsPerTask, speedGuard);
    }

    /**
     * The same engine over the rows of a Spark dataset, one sample per row, annotated by its {@code label} column
     * when it has one: see {@link #withDataset(Dataset, String)}.
     */
    public Engine withDataset(Dataset<Row> rows) {
        return withDataset(rows, null);
    }

    /**
     * The same engine over the rows of a Spark dataset, one sample per row. The rows stay on the executors: each task
     * decodes its own partition (the dataset's partitions are the engine's; {@link #withPartitions} does not apply),
     * and the driver only counts rows. Columns:
     * <ul>
     *   <li>one per model input, named like the input: the sample's values flattened row-major, as an
     *       {@code array} of numbers ({@code array<float>} for a float input, {@code array<int>} or
     *       {@code array<bigint>} for an integer one) or as {@code binary} (little-endian values of the input's
     *       type). The shape is the model's with batch 1; one dynamic dimension is inferred from the length;</li>
     *   <li>{@code <input>_shape} ({@code array<int>}), optional: the row's shape, needed when the model leaves
     *       more than one dimension besides the batch open;</li>
     *   <li>{@code annotationColumn}: an integral class label ({@code EvalSample.label()}) or a floating target
     *       ({@code EvalSample.target()}); {@code null} uses a {@code label} column when there is one, {@code ""}
     *       means none. Other columns are ignored.</li>
     * </ul>
     * Every pass recomputes the dataset, so {@code persist()} it when it is expensive, and it must give the same
     * rows in the same partitions each time (seed any sampling). Columns are checked against each model's inputs
     * before any inference job runs.
     *
     * @throws ConfigException on an in-process engine (a dataset needs {@link #spark(SparkSession)})
     */
    public Engine withDataset(Dataset<Row> rows, String annotationColumn) {
        if (!(runner instanceof SparkRunner)) {
            throw new ConfigException("a Dataset's rows are read by Spark tasks; use Engine.spark(dataset"
                    + ".sparkSession()).withDataset(...) instead of an in-process engine");
        }
        return new Engine(runner, new EngineData.Rows(rows, annotationColumn), metrics, partitions, threadsPerTask,
                speedGuard);
    }

    /** The same engine computing {@code metrics} in {@link #evaluate} (names must be unique). */
    public Engine withMetrics(Metric... metrics) {
        return withMetrics(Arrays.asList(metrics));
    }

    /** The same engine computing {@code metrics} in {@link #evaluate} (names must be unique). */
    public Engine withMetrics(List<? extends Metric> metrics) {
        long names = metrics.stream().map(Metric::name).distinct().count();
        if (names != metrics.size()) {
            throw new ConfigException("two metrics share a name; give each metric a unique name() (results are "
                    + "keyed by it)");
        }
        return new Engine(runner, data, List.copyOf(metrics), partitions, threadsPerTask, speedGuard);
    }

    /** The same engine splitting the items into {@code partitions} slices (Spark tasks). */
    public Engine withPartitions(int partitions) {
        return new Engine(runner, data, metrics, positive("partitions", partitions), threadsPerTask, speedGuard);
    }

    /** The same engine giving each ONNX Runtime session {@code threads} intra-op threads. */
    public Engine withThreadsPerTask(int threads) {
        return new Engine(runner, data, metrics, partitions, positive("threadsPerTask", threads), speedGuard);
    }

    /**
     * The same engine with the speed guard on or off (the CLI's {@code engine.speed_guard}, on by default): after
     * quantizing, the FP32 and the quantized model are timed on a few samples, ops slower in integer kernels return to
     * float, and a quantized model still not faster than FP32 is replaced by the FP32 model. Off gives byte-identical
     * models run after run; a toy model (a few kernels of microseconds) is rarely faster in INT8.
     */
    public Engine withSpeedGuard(boolean on) {
        return new Engine(runner, data, metrics, partitions, threadsPerTask, on);
    }

    boolean speedGuard() {
        return speedGuard;
    }

    /** The metrics' values for {@code model} over every item, keyed by metric name in the order given. */
    public Map<String, Double> evaluate(OnnxModel model) {
        return evaluate(model, null);
    }

    /**
     * Like {@link #evaluate(OnnxModel)}, with {@code reference} (usually the FP32 model) as what metrics such as
     * cosine-to-FP32 compare with; {@code null} compares the model with itself.
     */
    public Map<String, Double> evaluate(OnnxModel model, OnnxModel reference) {
        if (metrics.isEmpty()) {
            throw new ConfigException("the engine has no metrics to evaluate; add some with engine.withMetrics(...)");
        }
        DataSource source = source(model);
        List<SampleRef> refs = source.list();
        MetricTask task = new MetricTask(blob(model), reference == null ? null : blob(reference), source, metrics,
                threadsPerTask, new OrtEngineFactory());
        List<EvaluationAccumulator> parts = TaskFailures.unwrapped(
                () -> runner.map(source, refs, slices(refs.size()), task));
        EvaluationAccumulator total = parts.get(0);
        parts.subList(1, parts.size()).forEach(total::merge);
        return total.values().values();
    }

    /**
     * The smallest, largest, largest absolute and mean value of each of {@code tensors} (graph inputs or node
     * outputs) over every sample: POT's {@code Engine.predict(stats_layout)}, measured by calibration's own
     * statistics pass (in the engine's partitions, on Spark for a Spark engine), so these are the numbers a
     * MinMax quantization of {@code model} starts from.
     *
     * @return the statistics by tensor, in the order asked
     * @throws ConfigException for a tensor the model does not compute
     */
    public Map<String, TensorStatistics> statistics(OnnxModel model, String... tensors) {
        List<String> names = List.copyOf(new java.util.LinkedHashSet<>(Arrays.asList(tensors)));
        return StatisticsCall.summaries(names, statistics(model, StatisticsCall.summarySpecs(names)));
    }

    /**
     * Any statistics of the calibration menu over every sample: per tensor or per channel, MIN/MAX/ABS_MAX/MEAN or
     * quantiles of each sample, aggregated by MIN/MAX/MEAN/MEDIAN/… (see {@link StatisticSpec}); e.g. POT's default
     * activation range of {@code t} is {@code (t, MIN, -1, MIN)} and {@code (t, MAX, -1, MAX)}.
     *
     * @return one result per spec, sorted as specs sort
     * @throws ConfigException for a tensor the model does not compute
     */
    public SortedMap<StatisticSpec, StatResult> statistics(OnnxModel model, Collection<StatisticSpec> specs) {
        StatisticsCall.Exposed exposed = StatisticsCall.expose(model, specs);
        DataSource source = source(model);
        List<SampleRef> refs = source.list();
        StatisticsJob job = new StatisticsJob(blob(exposed.model()), exposed.outputs(), List.copyOf(specs), source,
                1, threadsPerTask);
        StatisticsSet stats = TaskFailures.unwrapped(() -> runner.backend().collect(job, refs, slices(refs.size())));
        stats.requireComplete();
        return stats.results();
    }

    /**
     * Runs {@code model} on item {@code index} in this JVM and returns every model output by name (a dataset's row is
     * decoded by a Spark task, whose failure surfaces as its own exception, as in {@link #evaluate}).
     */
    public Map<String, Tensor> infer(OnnxModel model, int index) {
        DataSource source = source(model);
        SampleRef ref = source.list().get(index);
        Map<String, Tensor> inputs = TaskFailures.unwrapped(() -> source.load(ref).inputs());
        InferenceEngine engine = new OrtEngineFactory().open(blob(model), EngineOptions.forInference(threadsPerTask));
        return engine.run(inputs, engine.outputs().stream().map(TensorInfo::name).toList());
    }

    @Override
    public void close() {
        runner.close();
    }

    StatisticsBackend backend() {
        return runner.backend();
    }

    /** The engine's samples as the pipeline's data source, for {@code model}. */
    DataSource source(OnnxModel model) {
        return data.source(model);
    }

    /** Names the kind of data in the report: {@code data-loader} or {@code dataset}. */
    String dataLabel() {
        return data.label();
    }

    /** The partitions work is split into (a dataset's own). */
    int partitions() {
        return data.partitions(partitions);
    }

    int threadsPerTask() {
        return threadsPerTask;
    }

    private int slices(int items) {
        return Math.max(1, Math.min(partitions(), items));
    }

    private static ModelBlob blob(OnnxModel model) {
        byte[] bytes = ModelIo.toBytes(model.proto());
        return ModelBlob.ofBytes(ModelIo.sha256(bytes), bytes);
    }

    private static int positive(String what, int value) {
        if (value < 1) {
            throw new ConfigException(what + " must be at least 1, got " + value);
        }
        return value;
    }
}
