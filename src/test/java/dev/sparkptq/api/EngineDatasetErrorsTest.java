package dev.sparkptq.api;

import dev.sparkptq.accuracy.CosineToFp32;
import dev.sparkptq.config.MetricSpec.Pooling;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.DataException;
import dev.sparkptq.graph.TinyModels;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Wrong columns fail before any inference job with one line naming the column and the fix; bad rows name the row. */
class EngineDatasetErrorsTest {
    private static final OnnxModel TINY = OnnxModel.of(TinyModels.convReluConv(), "tiny");

    @Test
    void aMissingInputColumnIsNamedWithTheDatasetsColumns() {
        Dataset<Row> rows = frame(List.of(RowFactory.create(new float[192], 1)),
                field("pixels", DataTypes.createArrayType(DataTypes.FloatType)), field("label", DataTypes.IntegerType));
        ConfigException e = assertThrows(ConfigException.class, () -> evaluate(rows, null));
        assertMessage(e, "no column 'x' for model input 'x'", "[pixels, label]", "withColumnRenamed");
    }

    @Test
    void aColumnOfTheWrongTypeSaysWhichTypeTheInputNeeds() {
        Dataset<Row> strings = frame(List.of(RowFactory.create((Object) new String[] {"a"})),
                field("x", DataTypes.createArrayType(DataTypes.StringType)));
        assertMessage(assertThrows(ConfigException.class, () -> evaluate(strings, null)),
                "column 'x' is array<string> but model input 'x' is FLOAT", "array<float>");

        Dataset<Row> floatIds = frame(List.of(RowFactory.create(new float[] {1}, new float[] {1})),
                field("x", DataTypes.createArrayType(DataTypes.FloatType)),
                field("ids", DataTypes.createArrayType(DataTypes.FloatType)));
        assertMessage(inferFails(floatIds, OnnxModel.of(DatasetRows.addIds(), "add_ids")),
                "column 'ids' is array<float> but model input 'ids' is INT64", "array<bigint>");
    }

    @Test
    void twoOpenDimensionsWithoutAShapeColumnAskForOne() {
        Dataset<Row> rows = frame(List.of(RowFactory.create((Object) new float[] {1, 2})),
                field("x", DataTypes.createArrayType(DataTypes.FloatType)));
        assertMessage(inferFails(rows, OnnxModel.of(DatasetRows.reluDynamic(), "relu")),
                "2 dynamic dimensions", "add a column 'x_shape'");
    }

    @Test
    void aShapeColumnMustHoldIntegers() {
        Dataset<Row> rows = frame(List.of(RowFactory.create(new float[192], new float[] {1})),
                field("x", DataTypes.createArrayType(DataTypes.FloatType)),
                field("x_shape", DataTypes.createArrayType(DataTypes.FloatType)));
        assertMessage(assertThrows(ConfigException.class, () -> evaluate(rows, null)),
                "column 'x_shape' is array<float>", "array<int>");
    }

    @Test
    void aNamedAnnotationColumnMustExistAndHoldANumber() {
        Dataset<Row> rows = frame(List.of(RowFactory.create(new float[192], "cat")),
                field("x", DataTypes.createArrayType(DataTypes.FloatType)), field("label", DataTypes.StringType));
        assertMessage(assertThrows(ConfigException.class, () -> evaluate(rows, "score")),
                "no annotation column 'score'", "[x, label]");
        assertMessage(assertThrows(ConfigException.class, () -> evaluate(rows, null)),
                "annotation column 'label' is string", "int class label or a double target");
    }

    @Test
    void anInProcessEngineRefusesADatasetAndPointsAtSpark() {
        Dataset<Row> rows = frame(List.of(RowFactory.create((Object) new float[192])),
                field("x", DataTypes.createArrayType(DataTypes.FloatType)));
        assertMessage(assertThrows(ConfigException.class, () -> Engine.local().withDataset(rows)),
                "Engine.spark(dataset.sparkSession())");
    }

    @Test
    void aRowOfTheWrongLengthIsNamedByPartitionAndRow() {
        Dataset<Row> rows = frame(List.of(RowFactory.create((Object) new float[192]),
                        RowFactory.create((Object) new float[5]), RowFactory.create((Object) new float[192])),
                field("x", DataTypes.createArrayType(DataTypes.FloatType)));
        // the task's DataException itself, not Spark's wrapper around it
        DataException e = assertThrows(DataException.class, () -> evaluate(rows, null));
        assertMessage(e, "column 'x' in row 1 of partition 0 holds 5 values", "shape [1, 3, 8, 8] (192 values)");
        Pipeline pipeline = Pipeline.create(List.of(Algorithms.minMaxQuantization().build()),
                Engine.spark(DatasetRows.session()).withDataset(rows));
        assertMessage(assertThrows(DataException.class, () -> pipeline.run(TINY)),
                "column 'x' in row 1 of partition 0 holds 5 values");
    }

    @Test
    void aNullInputIsNamedByPartitionAndRow() {
        Dataset<Row> rows = frame(List.of(RowFactory.create((Object) new float[192]),
                        RowFactory.create((Object) null)),
                DataTypes.createStructField("x", DataTypes.createArrayType(DataTypes.FloatType), true));
        DataException e = assertThrows(DataException.class, () -> evaluate(rows, null));
        assertMessage(e, "column 'x' is null in row 1 of partition 0");
    }

    @Test
    void anEmptyDatasetIsADataError() {
        Dataset<Row> rows = frame(List.of(), field("x", DataTypes.createArrayType(DataTypes.FloatType)));
        assertMessage(assertThrows(DataException.class, () -> evaluate(rows, null)), "the dataset has no rows");
    }

    private static void evaluate(Dataset<Row> rows, String annotation) {
        Engine.spark(DatasetRows.session()).withDataset(rows, annotation)
                .withMetrics(new CosineToFp32("cosine", "y", Pooling.NONE)).evaluate(TINY);
    }

    /** The ConfigException inferring {@code model} on {@code rows} throws (the engine itself must build). */
    private static ConfigException inferFails(Dataset<Row> rows, OnnxModel model) {
        Engine engine = Engine.spark(DatasetRows.session()).withDataset(rows);
        return assertThrows(ConfigException.class, () -> engine.infer(model, 0));
    }

    private static Dataset<Row> frame(List<Row> rows, StructField... fields) {
        return DatasetRows.frame(rows, new StructType(fields), 1);
    }

    private static StructField field(String name, DataType type) {
        return DataTypes.createStructField(name, type, false);
    }

    private static void assertMessage(Throwable e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + part + "' not in: " + e.getMessage());
        }
    }
}
