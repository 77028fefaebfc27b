package dev.sparkptq.api;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.accuracy.EvalSample;
import dev.sparkptq.config.QuantizationParams.Preset;
import dev.sparkptq.core.DataException;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.OrtRunner;
import dev.sparkptq.graph.TinyModels;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Engine over a Spark Dataset<Row> on local[2]: the same models and metrics as over a DataLoader. */
class EngineDatasetTest {
    /** The toy model is never faster in INT8: the speed guard would write it back as FP32. */
    private static Engine spark(SparkSession session) {
        return Engine.spark(session).withSpeedGuard(false);
    }

    private static Engine local() {
        return Engine.local().withSpeedGuard(false);
    }

    private static final OnnxModel TINY = OnnxModel.of(TinyModels.convReluConv(), "tiny");

    @Test
    void quantizingFromADatasetWritesTheSameModelBytesAsTheLoaderInTheSamePartitions() {
        SparkSession session = DatasetRows.session();
        ReadmeExample.RandomImages loader = new ReadmeExample.RandomImages(48, 11);
        Algorithm algorithm = Algorithms.defaultQuantization().preset(Preset.MIXED).build();

        OnnxModel viaLoader = Pipeline.create(List.of(algorithm),
                spark(session).withDataLoader(loader).withPartitions(3)).run(TINY);
        OnnxModel viaRows = Pipeline.create(List.of(algorithm),
                spark(session).withDataset(DatasetRows.of(loader, 3))).run(TINY);

        assertTrue(quantizeLinears(viaRows) >= 2, "expected a quantized model");
        assertArrayEquals(viaLoader.proto().toByteArray(), viaRows.proto().toByteArray());
    }

    @Test
    void fullBiasCorrectionsExtraPassesOverADatasetGiveTheLoadersModel() {
        SparkSession session = DatasetRows.session();
        ReadmeExample.RandomImages loader = new ReadmeExample.RandomImages(24, 13);
        Algorithm algorithm = Algorithms.defaultQuantization().param("use_fast_bias", false).build();

        OnnxModel viaLoader = Pipeline.create(List.of(algorithm),
                spark(session).withDataLoader(loader).withPartitions(2)).run(TINY);
        OnnxModel viaRows = Pipeline.create(List.of(algorithm),
                spark(session).withDataset(DatasetRows.of(loader, 2))).run(TINY);

        assertArrayEquals(viaLoader.proto().toByteArray(), viaRows.proto().toByteArray());
    }

    @Test
    void aShuffledSubsetOfADatasetGivesTheLoadersScalesWhateverItsPartitioning() {
        SparkSession session = DatasetRows.session();
        ReadmeExample.RandomImages loader = new ReadmeExample.RandomImages(40, 5);
        Algorithm algorithm = Algorithms.minMaxQuantization().statSubsetSize(17).shuffleData(true).seed(3).build();

        OnnxModel viaLoader = Pipeline.create(List.of(algorithm),
                spark(session).withDataLoader(loader).withPartitions(4)).run(TINY);
        OnnxModel viaRows = Pipeline.create(List.of(algorithm),
                spark(session).withDataset(DatasetRows.of(loader, 4))).run(TINY);

        // min/max over the same 17 samples: the same scales whichever partition each sample sits in
        assertEquals(scales(viaLoader), scales(viaRows));
        assertTrue(scales(viaRows).size() >= 2, scales(viaRows).toString());
    }

    @Test
    void aLeadingSubsetReadsOnlyTheRowsUpToItsLastSampleAndGivesTheLoadersScales() {
        SparkSession session = DatasetRows.session();
        ReadmeExample.RandomImages loader = new ReadmeExample.RandomImages(40, 21);
        org.apache.spark.util.LongAccumulator pulled = session.sparkContext().longAccumulator("rows pulled");
        Algorithm algorithm = Algorithms.minMaxQuantization().statSubsetSize(5).build();

        OnnxModel viaRows = Pipeline.create(List.of(algorithm),
                spark(session).withDataset(DatasetRows.counted(loader, 4, pulled))).run(TINY);
        OnnxModel viaLoader = Pipeline.create(List.of(algorithm),
                spark(session).withDataLoader(loader).withPartitions(4)).run(TINY);

        assertEquals(scales(viaLoader), scales(viaRows));
        // 40 to count the rows, 5 for the statistics pass, 1 for the preflight's probe sample on the driver (the
        // FP32 and the statistics model share it), 1 for the integer-kernel report's sample on the driver;
        // partitions 1-3 hold no calibration sample and are not read again
        assertEquals(47, pulled.value());
    }

    @Test
    void aRunIntoAFolderReportsTheDatasetsSamplesAndPartitions(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        ReadmeExample.RandomImages loader = new ReadmeExample.RandomImages(13, 2);
        Pipeline.create(List.of(Algorithms.defaultQuantization().statSubsetSize(10).build()),
                spark(DatasetRows.session()).withDataset(DatasetRows.of(loader, 3))).run(TINY, dir);
        com.fasterxml.jackson.databind.JsonNode calibration = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(dir.resolve("report.json").toFile()).get("calibration");
        assertTrue(calibration.get("data_source").asText().endsWith("dataset"), calibration.toString());
        assertEquals(13, calibration.get("samples_available").asInt());
        assertEquals(10, calibration.get("samples_used").asInt());
        assertEquals(3, calibration.get("partitions").asInt());
        assertTrue(java.nio.file.Files.isRegularFile(dir.resolve("model.onnx")));
    }

    @Test
    void evaluatingADatasetGivesTheAccuracyRecountedByHand() {
        SparkSession session = DatasetRows.session();
        ReadmeExample.RandomImages loader = new ReadmeExample.RandomImages(30, 9);
        Engine engine = spark(session).withDataset(DatasetRows.of(loader, 3))
                .withMetrics(new ReadmeExample.MeanClassAccuracy());

        int correct = 0;
        for (int i = 0; i < loader.size(); i++) {
            DataItem item = loader.get(i);
            float[] y = OrtRunner.run(TINY.proto(), item.inputs()).get("y");
            double c0 = 0;
            double c1 = 0;
            for (int k = 0; k < 64; k++) {
                c0 += y[k];
                c1 += y[64 + k];
            }
            correct += ((c1 > c0 ? 1 : 0) == item.annotation()) ? 1 : 0;
        }
        Map<String, Double> values = engine.evaluate(TINY);
        assertEquals(correct / 30.0, values.get("accuracy"), 1e-12);
        Map<String, Double> viaPipeline = Pipeline.create(List.of(Algorithms.minMaxQuantization().build()), engine)
                .evaluate(TINY);
        assertEquals(values, viaPipeline);
    }

    @Test
    void aDatasetBehindAShuffleIsCalibratedAndEvaluatedInItsOwnPartitions() {
        SparkSession session = DatasetRows.session();
        ReadmeExample.RandomImages loader = new ReadmeExample.RandomImages(20, 17);
        Dataset<Row> shuffled = DatasetRows.of(loader, 2).repartition(3).persist();
        Engine rows = spark(session).withDataset(shuffled).withMetrics(new ReadmeExample.MeanClassAccuracy());
        Engine items = local().withDataLoader(loader).withMetrics(new ReadmeExample.MeanClassAccuracy());
        Algorithm minMax = Algorithms.minMaxQuantization().build();

        assertEquals(items.evaluate(TINY), rows.evaluate(TINY));
        // min/max over the same 20 samples, in whatever order the shuffle put them
        assertEquals(scales(Pipeline.create(List.of(minMax), items).run(TINY)),
                scales(Pipeline.create(List.of(minMax), rows).run(TINY)));
    }

    @Test
    void aFloatingAnnotationColumnReachesMetricsAsTheTarget() {
        List<Row> rows = new ArrayList<>();
        double sum = 0;
        SplittableRandom rnd = new SplittableRandom(4);
        for (int i = 0; i < 10; i++) {
            float[] x = new float[3 * 8 * 8];
            for (int k = 0; k < x.length; k++) {
                x[k] = (float) rnd.nextDouble(-1, 1);
            }
            double score = rnd.nextDouble(0, 5);
            sum += score;
            rows.add(RowFactory.create(x, score));
        }
        StructType schema = new StructType(new StructField[] {
            DataTypes.createStructField("x", DataTypes.createArrayType(DataTypes.FloatType), false),
            DataTypes.createStructField("score", DataTypes.DoubleType, false)});
        Engine engine = spark(DatasetRows.session())
                .withDataset(DatasetRows.frame(rows, schema, 2), "score").withMetrics(new MeanTarget());
        assertEquals(sum / 10, engine.evaluate(TINY).get("target"), 1e-12);
    }

    @Test
    void statisticsOverADatasetEqualTheInProcessLoadersInTheSamePartitions() {
        ReadmeExample.RandomImages loader = new ReadmeExample.RandomImages(14, 6);
        Map<String, TensorStatistics> viaRows = spark(DatasetRows.session())
                .withDataset(DatasetRows.of(loader, 3)).statistics(TINY, "x", "r1");
        Map<String, TensorStatistics> inProcess = local().withDataLoader(loader).withPartitions(3)
                .statistics(TINY, "x", "r1");
        assertEquals(inProcess, viaRows);
        assertEquals(14, viaRows.get("r1").samples());
    }

    @Test
    void inferOnTheDriverDecodesTheRowItsIndexNames() {
        ReadmeExample.RandomImages loader = new ReadmeExample.RandomImages(9, 2);
        Engine engine = spark(DatasetRows.session()).withDataset(DatasetRows.of(loader, 2));
        float[] expected = OrtRunner.run(TINY.proto(), loader.get(6).inputs()).get("y");
        assertArrayEquals(expected, engine.infer(TINY, 6).get("y").floats(), 1e-5f);
    }

    @Test
    void inferOnANullRowThrowsTheTasksDataExceptionNotSparksWrapper() {
        StructType schema = new StructType(new StructField[] {
            DataTypes.createStructField("x", DataTypes.createArrayType(DataTypes.FloatType), true)});
        Engine engine = spark(DatasetRows.session()).withDataset(DatasetRows.frame(
                List.of(RowFactory.create((Object) new float[192]), RowFactory.create((Object) null)), schema, 1));
        DataException e = assertThrows(DataException.class, () -> engine.infer(TINY, 1));
        assertTrue(e.getMessage().contains("column 'x' is null in row 1 of partition 0"), e.getMessage());
    }

    @Test
    void anOpenDimensionIsInferredAndIntegerColumnsFeedAnInt64Input() {
        OnnxModel model = OnnxModel.of(DatasetRows.addIds(), "add_ids");
        List<Row> rows = new ArrayList<>();
        double expectedMeanSum = 0;
        for (int i = 0; i < 6; i++) {
            int len = 2 + i % 3;
            double[] x = new double[len];
            int[] ids = new int[len];
            double sum = 0;
            for (int k = 0; k < len; k++) {
                x[k] = 0.5 * k - i;
                ids[k] = 10 * i + k;
                sum += (float) (0.5 * k - i) + (10 * i + k);
            }
            expectedMeanSum += sum / 6;
            rows.add(RowFactory.create(x, ids));
        }
        StructType schema = new StructType(new StructField[] {
            DataTypes.createStructField("x", DataTypes.createArrayType(DataTypes.DoubleType), false),
            DataTypes.createStructField("ids", DataTypes.createArrayType(DataTypes.IntegerType), false)});
        Engine engine = spark(DatasetRows.session()).withDataset(DatasetRows.frame(rows, schema, 2))
                .withMetrics(new SumOfY());

        Tensor y = engine.infer(model, 4).get("y");
        assertArrayEquals(new long[] {1, 3}, y.shape());
        assertArrayEquals(new float[] {40 - 4, 41 - 3.5f, 42 - 3}, y.floats(), 1e-6f);
        assertEquals(expectedMeanSum, engine.evaluate(model).get("sum"), 1e-4);
    }

    @Test
    void aShapeColumnShapesBinaryValuesWithOrWithoutTheBatchAxis() {
        OnnxModel model = OnnxModel.of(DatasetRows.reluDynamic(), "relu");
        float[] values = {-1, 2, -3, 4, 5, -6};
        StructType schema = new StructType(new StructField[] {
            DataTypes.createStructField("x", DataTypes.BinaryType, false),
            DataTypes.createStructField("x_shape", DataTypes.createArrayType(DataTypes.IntegerType), false)});
        List<Row> rows = List.of(RowFactory.create(littleEndian(values), new int[] {2, 3}),
                RowFactory.create(littleEndian(values), new int[] {1, 3, 2}));
        Engine engine = spark(DatasetRows.session()).withDataset(DatasetRows.frame(rows, schema, 1));

        Tensor first = engine.infer(model, 0).get("y");
        Tensor second = engine.infer(model, 1).get("y");
        assertArrayEquals(new long[] {1, 2, 3}, first.shape());
        assertArrayEquals(new long[] {1, 3, 2}, second.shape());
        assertArrayEquals(new float[] {0, 2, 0, 4, 5, 0}, first.floats());
        assertArrayEquals(new float[] {0, 2, 0, 4, 5, 0}, second.floats());
    }

    static byte[] littleEndian(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    private static long quantizeLinears(OnnxModel model) {
        return model.proto().getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("QuantizeLinear"))
                .count();
    }

    /** Every float scale initializer of Q/DQ nodes, by name. */
    private static Map<String, List<Float>> scales(OnnxModel model) {
        Map<String, List<Float>> out = new java.util.TreeMap<>();
        List<String> names = model.proto().getGraph().getNodeList().stream()
                .filter(n -> n.getOpType().endsWith("QuantizeLinear")).map(n -> n.getInput(1)).toList();
        for (OnnxMl.TensorProto t : model.proto().getGraph().getInitializerList()) {
            if (names.contains(t.getName())) {
                Tensor v = dev.sparkptq.graph.TensorProtos.toTensor(t);
                out.put(t.getName(), DatasetRows.boxed(v.floats()));
            }
        }
        return out;
    }

    /** The mean of the samples' targets. */
    record MeanTarget() implements Metric {
        @Override
        public String name() {
            return "target";
        }

        @Override
        public boolean higherBetter() {
            return true;
        }

        @Override
        public double perSample(EvalSample sample) {
            return sample.target();
        }
    }

    /** The mean over samples of the sum of output y. */
    record SumOfY() implements Metric {
        @Override
        public String name() {
            return "sum";
        }

        @Override
        public boolean higherBetter() {
            return true;
        }

        @Override
        public double perSample(EvalSample sample) {
            double s = 0;
            for (float v : sample.outputs().get("y").floats()) {
                s += v;
            }
            return s;
        }
    }
}
