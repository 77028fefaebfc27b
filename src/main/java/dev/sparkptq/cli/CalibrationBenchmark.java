package dev.sparkptq.cli;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.algorithms.Registry;
import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.config.QuantizationParams;
import dev.sparkptq.config.HistogramEstimatorSpec;
import dev.sparkptq.config.RangeEstimatorDefaults;
import dev.sparkptq.config.RangeEstimatorSpec;
import dev.sparkptq.config.TensorQuantSpec;
import dev.sparkptq.data.DataSource;
import dev.sparkptq.data.DataSources;
import dev.sparkptq.data.SampleRef;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.pipeline.CalibrationJobs;
import dev.sparkptq.pipeline.StatisticsJob;
import dev.sparkptq.runtime.Latency;
import dev.sparkptq.runtime.ort.OrtEngineFactory;
import dev.sparkptq.spark.SparkBackend;
import dev.sparkptq.spark.SparkSessions;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code benchmark calibration}: what a statistics pass costs next to plain inference, how it scales with cores, and
 * whether memory grows with the number of samples — all measured in one process, interleaved.
 */
final class CalibrationBenchmark {
    /** Interleaved rounds by default; each ratio is the median of per-round ratios. */
    static final int ROUNDS = 5;

    private CalibrationBenchmark() {
    }

    /** One named statistics variant (estimator, in-graph reductions or not) to compare with inference. */
    record Variant(String name, QuantizationParams params, boolean inplace) {
    }

    /**
     * @param statsOverInference median over rounds of each round's statistics time over that round's inference time
     * @param ratioSpread        per variant, the lowest and highest per-round ratio
     * @param scalingSpread      the lowest and highest per-round {@code scaling2Over1}
     */
    record Result(int samples, int partitions, int rounds, Map<String, Double> statsOverInference,
                  Map<String, double[]> ratioSpread, Map<String, Double> msPerSample, double scaling2Over1,
                  double[] scalingSpread, double inferenceScaling2Over1, double heapRatio10nOverN, long heapPeakN,
                  long heapPeak10n) {
    }

    static Result run(PtqConfig config, List<Variant> variants, int samples, int rounds, Path work,
                      PrintStream log) {
        OnnxMl.ModelProto prepared = Registry.prepared(ModelIo.load(config.model().model()), s -> { }).model();
        DataSource source = DataSources.create(config.engine().reader(), config.engine().dataSource(),
                ModelGraph.of(prepared).inputs());
        List<SampleRef> refs = cycle(source.list(), samples);
        int partitions = 2;
        StatisticsJob inference = CalibrationJobs.inference(prepared, source, 1, work.resolve("inference"));
        Map<String, StatisticsJob> jobs = new LinkedHashMap<>();
        Map<String, QuantizationParams> params = new LinkedHashMap<>();
        for (Variant v : variants) {
            var c = config.compression();
            var compression = new dev.sparkptq.config.CompressionSection(c.targetDevice(), c.modelType(), v.inplace(),
                    c.algorithms());
            jobs.put(v.name(), CalibrationJobs.statistics(prepared, v.params(), compression, source, 1,
                    work.resolve(v.name())));
            params.put(v.name(), v.params());
        }
        StatisticsJob first = jobs.values().iterator().next();
        Map<String, double[]> times = new LinkedHashMap<>();
        long[] peaks;
        SparkSession spark = SparkSessions.start("local[2]", work.resolve("spark-local"));
        try {
            SparkBackend backend = backend(spark);
            log.println("[benchmark] warm-up");
            backend.collect(inference, refs.subList(0, Math.min(refs.size(), 4)), partitions);
            jobs.values().forEach(j -> backend.collect(j, refs.subList(0, Math.min(refs.size(), 4)), partitions));
            for (int r = 0; r < rounds; r++) {
                log.println("[benchmark] round " + (r + 1) + "/" + rounds);
                time(times, "inference", r, rounds, () -> backend.collect(inference, refs, partitions));
                for (Map.Entry<String, StatisticsJob> j : jobs.entrySet()) {
                    time(times, j.getKey(), r, rounds, () -> calibrate(backend, prepared, config,
                            params.get(j.getKey()), j.getValue(), refs, partitions));
                }
            }
            log.println("[benchmark] heap at N and 10N samples");
            peaks = heapPeaks(backend, first, refs, partitions);
        } finally {
            spark.stop();
        }
        Map<String, Double> ms = new LinkedHashMap<>();
        times.forEach((k, v) -> ms.put(k, Latency.median(v) / refs.size()));
        Map<String, Double> ratios = new LinkedHashMap<>();
        Map<String, double[]> spread = new LinkedHashMap<>();
        for (String k : jobs.keySet()) {
            double[] perRound = pairedRatios(times.get(k), times.get("inference"));
            ratios.put(k, Latency.median(perRound));
            spread.put(k, new double[]{min(perRound), max(perRound)});
        }
        log.println("[benchmark] the first variant and plain inference, local[1] vs local[2]");
        double[][] scaling = scaling(first, inference, refs, partitions, rounds, work.resolve("spark-scaling"));
        double[] statsScaling = scaling[0];
        return new Result(refs.size(), partitions, rounds, ratios, spread, ms, Latency.median(statsScaling),
                new double[]{min(statsScaling), max(statsScaling)}, Latency.median(scaling[1]),
                (double) peaks[1] / peaks[0], peaks[0], peaks[1]);
    }

    /**
     * Peak live heap of a statistics pass over N and over 10·N samples: N, 10N three times and the lowest peak of
     * each. Spark's context cleaner frees earlier jobs' broadcasts asynchronously, and the longer 10N run gives the
     * 250 ms sampler more chances to catch a transient high point, so a single reading also measures timing, not
     * growth with the sample count.
     */
    private static long[] heapPeaks(SparkBackend backend, StatisticsJob job, List<SampleRef> refs, int partitions) {
        List<SampleRef> tenN = cycle(refs, 10 * refs.size());
        long peakN = Long.MAX_VALUE;
        long peak10n = Long.MAX_VALUE;
        for (int r = 0; r < 3; r++) {
            peakN = Math.min(peakN, peakLiveHeap(() -> backend.collect(job, refs, partitions)));
            peak10n = Math.min(peak10n, peakLiveHeap(() -> backend.collect(job, tenN, partitions)));
        }
        return new long[]{peakN, peak10n};
    }

    /**
     * Per round, local[1] time over local[2] time of the statistics pass ([0]) and of plain inference ([1]). The two
     * masters alternate round by round (a fresh, warmed-up Spark session each time) so slow drift of the machine's
     * speed hits both alike.
     */
    private static double[][] scaling(StatisticsJob stats, StatisticsJob inference, List<SampleRef> refs,
                                      int partitions, int rounds, Path dir) {
        double[][] out = new double[2][rounds];
        for (int r = 0; r < rounds; r++) {
            double[] on2 = timeOn("local[2]", dir, stats, inference, refs, partitions);
            double[] on1 = timeOn("local[1]", dir, stats, inference, refs, partitions);
            out[0][r] = on1[0] / on2[0];
            out[1][r] = on1[1] / on2[1];
        }
        return out;
    }

    private static SparkBackend backend(SparkSession spark) {
        return new SparkBackend(JavaSparkContext.fromSparkContext(spark.sparkContext()), new OrtEngineFactory());
    }

    /** Milliseconds of one statistics pass and one inference pass on a fresh, warmed-up session of {@code master}. */
    private static double[] timeOn(String master, Path dir, StatisticsJob stats, StatisticsJob inference,
                                   List<SampleRef> refs, int partitions) {
        SparkSession spark = SparkSessions.start(master, dir);
        try {
            SparkBackend backend = backend(spark);
            backend.collect(inference, refs.subList(0, Math.min(refs.size(), 4)), partitions);
            backend.collect(stats, refs.subList(0, Math.min(refs.size(), 4)), partitions);
            long s = System.nanoTime();
            backend.collect(stats, refs, partitions);
            long m = System.nanoTime();
            backend.collect(inference, refs, partitions);
            long e = System.nanoTime();
            return new double[]{(m - s) / 1e6, (e - m) / 1e6};
        } finally {
            spark.stop();
        }
    }

    /** Each round's time over the same round's inference time: runs next to each other share the machine's state. */
    static double[] pairedRatios(double[] times, double[] inference) {
        double[] r = new double[times.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = times[i] / inference[i];
        }
        return r;
    }

    private static double min(double[] v) {
        return java.util.Arrays.stream(v).min().orElse(Double.NaN);
    }

    private static double max(double[] v) {
        return java.util.Arrays.stream(v).max().orElse(Double.NaN);
    }

    /**
     * One calibration as a run does it: the statistics pass (with grid histograms), then pass 2 when the estimator
     * is histogram-based with {@code edges: extremes}.
     */
    private static void calibrate(SparkBackend backend, OnnxMl.ModelProto prepared, PtqConfig config,
                                  QuantizationParams params, StatisticsJob pass1, List<SampleRef> refs,
                                  int partitions) {
        var stats = backend.collect(pass1, refs, partitions);
        StatisticsJob pass2 = CalibrationJobs.histograms(prepared, params, config.compression(), pass1,
                stats.results());
        if (pass2 != null) {
            backend.histograms(pass2, refs, partitions);
        }
    }

    private static void time(Map<String, double[]> times, String key, int round, int rounds, Runnable r) {
        long s = System.nanoTime();
        r.run();
        times.computeIfAbsent(key, k -> new double[rounds])[round] = (System.nanoTime() - s) / 1e6;
    }

    /**
     * Peak live heap during {@code r}: a sampler forces a full GC every 250 ms and records the heap the GC itself
     * reports as used right after collecting (the pools' collection usage), so neither garbage awaiting collection
     * nor allocations racing the reading count.
     */
    static long peakLiveHeap(Runnable r) {
        AtomicLong peak = new AtomicLong();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(liveAfterGc(), Math::max);
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
        try {
            r.run();
        } finally {
            sampler.interrupt();
        }
        peak.accumulateAndGet(liveAfterGc(), Math::max);
        return peak.get();
    }

    private static long liveAfterGc() {
        System.gc();
        long live = 0;
        for (var pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == java.lang.management.MemoryType.HEAP && pool.getCollectionUsage() != null) {
                live += pool.getCollectionUsage().getUsed();
            }
        }
        return live;
    }

    static List<SampleRef> cycle(List<SampleRef> refs, int n) {
        List<SampleRef> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(refs.get(i % refs.size()));
        }
        return out;
    }

    /** The estimators compared: the configured one ("default") and POT's quantile preset on the activations. */
    static List<Variant> variants(PtqConfig config) {
        QuantizationParams p = config.compression().algorithms().get(0).params();
        TensorQuantSpec a = p.activations();
        var histogram = histogramEstimator(HistogramEstimatorSpec.Edges.GRID);
        return List.of(new Variant("default", p, true),
                new Variant("default_extra_outputs", p, false),
                new Variant("quantile", withActivationEstimator(p, RangeEstimatorDefaults.of(
                        RangeEstimatorDefaults.TensorRole.ACTIVATIONS, a.granularity(), a.mode(),
                        RangeEstimatorDefaults.EstimatorPreset.QUANTILE)), true),
                new Variant("histogram_mse", withActivationEstimator(p, histogram), true),
                new Variant("histogram_mse_extremes", withActivationEstimator(p,
                        histogramEstimator(HistogramEstimatorSpec.Edges.EXTREMES)), true));
    }

    /** Histogram {@code mse} with 2048 bins: one pass on the grid, or two passes over the extremes. */
    private static RangeEstimatorSpec histogramEstimator(HistogramEstimatorSpec.Edges edges) {
        return new RangeEstimatorSpec(new RangeEstimatorSpec.StatisticSpec(
                RangeEstimatorSpec.StatType.MIN, RangeEstimatorSpec.Aggregator.MIN, null, null),
                new RangeEstimatorSpec.StatisticSpec(RangeEstimatorSpec.StatType.MAX, RangeEstimatorSpec.Aggregator.MAX,
                        null, null), new HistogramEstimatorSpec(HistogramEstimatorSpec.Method.MSE, 2048, 99.999,
                        edges));
    }

    static QuantizationParams withActivationEstimator(QuantizationParams p, RangeEstimatorSpec estimator) {
        TensorQuantSpec a = p.activations();
        TensorQuantSpec q = new TensorQuantSpec(a.bits(), a.mode(), a.granularity(), a.levelLow(), a.levelHigh(),
                estimator);
        return new QuantizationParams(p.preset(), p.statSubsetSize(), p.statBatchSize(), p.shuffleData(), p.seed(),
                p.ignored(), p.weights(), q, p.weightStorage());
    }
}
