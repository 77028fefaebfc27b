package dev.sparkptq.pipeline;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.algorithms.Registry;
import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.config.QuantizationParams;
import dev.sparkptq.core.SampleId;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.data.DataSource;
import dev.sparkptq.data.Sample;
import dev.sparkptq.data.SampleRef;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.graph.TinyModels;
import dev.sparkptq.graph.edit.GraphRewriter;
import dev.sparkptq.plan.QuantizationPlan;
import dev.sparkptq.plan.QuantizationPlanner;
import dev.sparkptq.runtime.ort.OrtEngineFactory;
import dev.sparkptq.spark.SparkBackend;
import dev.sparkptq.spark.SparkSessions;
import dev.sparkptq.stats.StatisticsSet;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Soak: {@code n} synthetic calibration samples through the statistics pass of the tiny Conv-Relu-Conv model on
 * Spark {@code local[2]}, then prints the JVM's peak resident set (VmHWM; driver and executor are this one JVM in
 * local mode) and heap. Samples are generated on the executors from their index, so the data costs no driver memory;
 * the driver holds only the sample references. Run in a fresh JVM per size so that each peak is its own.
 *
 * <p>Usage: {@code SoakMain N PARTITIONS WORKDIR}
 */
public final class SoakMain {
    private SoakMain() {
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        int partitions = Integer.parseInt(args[1]);
        Path work = Files.createDirectories(Path.of(args[2]));
        TinyRun t = TinyRun.create(work.resolve("tiny"), 1, 1);
        PtqConfig config = t.config(partitions, "performance");
        QuantizationParams params = config.compression().algorithms().get(0).params();
        OnnxMl.ModelProto prepared = ModelIo.prepareForQuantization(TinyModels.convReluConv());
        ModelGraph graph = ModelGraph.of(prepared);
        QuantizationPlan plan = QuantizationPlanner.plan(graph, params, config.compression());
        StatisticsPass request = StatisticsPass.of(List.of(Registry.calibrationRequest(plan)), graph,
                config.compression().inplaceStatistics());
        StatisticsJob job = new StatisticsJob(Blobs.of(GraphRewriter.apply(prepared, request.exposeEdits()),
                work.resolve("stats")), request.outputs(), request.specs(), new Synthetic(n, 7),
                params.statBatchSize(), 1);
        SparkSession spark = SparkSessions.start("local[2]", work.resolve("spark-local"));
        try {
            SparkBackend backend = new SparkBackend(JavaSparkContext.fromSparkContext(spark.sparkContext()),
                    new OrtEngineFactory());
            long t0 = System.nanoTime();
            StatisticsSet stats = backend.collect(job, job.source().list(), partitions);
            stats.requireComplete();
            double seconds = (System.nanoTime() - t0) / 1e9;
            Runtime rt = Runtime.getRuntime();
            System.gc();
            System.out.printf("soak samples=%d seen=%d seconds=%.1f rate=%.0f/s VmHWM_kB=%d heapUsedAfterGc_MB=%d "
                            + "heapCommitted_MB=%d%n", n, stats.samples(), seconds, n / seconds, vmHwmKb(),
                    (rt.totalMemory() - rt.freeMemory()) >> 20, rt.totalMemory() >> 20);
        } finally {
            spark.stop();
        }
    }

    private static long vmHwmKb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /** n samples [1,3,8,8], each generated where it is loaded from a generator seeded by its index. */
    static final class Synthetic implements DataSource {
        private static final long serialVersionUID = 1L;
        private final int n;
        private final long seed;

        Synthetic(int n, long seed) {
            this.n = n;
            this.seed = seed;
        }

        @Override
        public List<SampleRef> list() {
            return new AbstractList<>() { // not materialized here; parallelize copies it into its slices
                @Override
                public SampleRef get(int i) {
                    return new SampleRef(new SampleId("s" + i), Integer.toString(i), i, null);
                }

                @Override
                public int size() {
                    return n;
                }
            };
        }

        @Override
        public Sample load(SampleRef ref) {
            SplittableRandom r = new SplittableRandom(seed * 1_000_003L + ref.index());
            float[] x = new float[3 * 8 * 8];
            double amp = 0.5 + 2 * r.nextDouble();
            for (int k = 0; k < x.length; k++) {
                x[k] = (float) ((2 * r.nextDouble() - 1) * amp);
            }
            return new Sample(ref.id(), Map.of("x", Tensor.ofFloats(new long[] {1, 3, 8, 8}, x)), null);
        }
    }
}
