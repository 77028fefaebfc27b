package dev.sparkptq.api;

import dev.sparkptq.accuracy.EvalSample;
import dev.sparkptq.config.QuantizationParams.Preset;
import dev.sparkptq.core.Tensor;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The README's "Java API" example, verbatim between the markers (JavaApiReadmeTest checks that README.md holds
 * exactly these lines and runs them in-process and on Spark).
 */
public final class ReadmeExample {
    private ReadmeExample() {
    }

    // readme:begin
    /** Your data: item i is an input tensor per model input plus an annotation (here a class label). */
    public record RandomImages(int size, long seed) implements DataLoader {
        @Override
        public DataItem get(int index) {
            SplittableRandom rnd = new SplittableRandom(seed + index); // read your files here instead
            float[] pixels = new float[3 * 8 * 8];
            double sum = 0;
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = (float) rnd.nextDouble(-1, 1);
                sum += pixels[i];
            }
            Tensor x = Tensor.ofFloats(new long[] {1, 3, 8, 8}, pixels);
            return DataItem.of(Map.of("x", x), sum > 0 ? 1 : 0);
        }
    }

    /** Your metric: the class is the output channel with the larger mean; the value is the mean over items. */
    public record MeanClassAccuracy() implements Metric {
        @Override
        public String name() {
            return "accuracy";
        }

        @Override
        public boolean higherBetter() {
            return true;
        }

        @Override
        public double perSample(EvalSample sample) {
            float[] y = sample.outputs().get("y").floats(); // [1, 2, 8, 8]
            int half = y.length / 2;
            double c0 = 0;
            double c1 = 0;
            for (int i = 0; i < half; i++) {
                c0 += y[i];
                c1 += y[half + i];
            }
            int predicted = c1 > c0 ? 1 : 0;
            return predicted == sample.label() ? 1 : 0;
        }
    }

    /** Quantizes modelFile with your data on {@code base} (Engine.local() or Engine.spark(...)). */
    public static Map<String, Double> quantize(Engine base, Path modelFile, Path outputDir) {
        Engine engine = base.withDataLoader(new RandomImages(64, 7))
                .withMetrics(new MeanClassAccuracy())
                .withPartitions(2)
                .withSpeedGuard(false); // a toy model is never faster in INT8: keep the guard on for real ones
        Algorithm algorithm = Algorithms.defaultQuantization()
                .preset(Preset.MIXED)
                .statSubsetSize(32)
                .build();
        Pipeline pipeline = Pipeline.create(List.of(algorithm), engine);

        OnnxModel model = ModelIo.load(modelFile);
        OnnxModel quantized = pipeline.run(model);
        ModelIo.save(quantized, outputDir.resolve("model.onnx"));

        Map<String, Double> before = pipeline.evaluate(model);
        Map<String, Double> after = pipeline.evaluate(quantized);
        System.out.println("accuracy " + before.get("accuracy") + " -> " + after.get("accuracy"));
        return after;
    }
    // readme:end

    // readme-dataset:begin
    /**
     * The same with samples in a Spark Dataset, e.g. spark.read().parquet(...): a row per sample, a column per model
     * input holding its values flattened (here x: array<float> of 3*8*8) and an int label column. The rows stay on
     * the executors: each task decodes its own partition.
     */
    public static Map<String, Double> quantizeDataset(SparkSession spark, Dataset<Row> rows, Path modelFile,
                                                      Path outputDir) {
        Engine engine = Engine.spark(spark)
                .withDataset(rows.persist()) // every pass re-reads the rows
                .withMetrics(new MeanClassAccuracy())
                .withSpeedGuard(false); // as above: the toy model would come back as FP32
        Algorithm algorithm = Algorithms.defaultQuantization()
                .preset(Preset.MIXED)
                .statSubsetSize(32)
                .build();
        Pipeline pipeline = Pipeline.create(List.of(algorithm), engine);

        OnnxModel model = ModelIo.load(modelFile);
        TensorStatistics x = engine.statistics(model, "x").get("x");
        System.out.println("x in [" + x.min() + ", " + x.max() + "]");
        OnnxModel quantized = pipeline.run(model);
        ModelIo.save(quantized, outputDir.resolve("model.onnx"));
        return pipeline.evaluate(quantized);
    }
    // readme-dataset:end
}
