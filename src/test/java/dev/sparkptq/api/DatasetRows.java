package dev.sparkptq.api;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.graph.TinyModels;
import dev.sparkptq.spark.SparkTestSession;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;

/** Datasets and small models for the Dataset tests, built in code on the shared local[2] session. */
final class DatasetRows {
    /** The schema of the rows {@link #of(DataLoader, int)} makes from a loader's items. */
    private static final StructType LOADER_SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField("x", DataTypes.createArrayType(DataTypes.FloatType), false),
        DataTypes.createStructField("label", DataTypes.IntegerType, true)});

    private DatasetRows() {
    }

    static SparkSession session() {
        SparkTestSession.get();
        return SparkSession.active();
    }

    /** The items of {@code loader} as rows (x: array<float>, label: int) in {@code partitions} contiguous slices. */
    static Dataset<Row> of(DataLoader loader, int partitions) {
        return frame(rows(loader), LOADER_SCHEMA, partitions);
    }

    /**
     * {@code rows} in {@code partitions} contiguous slices. The rows are made by the tasks from their indexes (the
     * session requires Kryo registration, and Spark's own GenericRow is not registered for parallelize's slices).
     */
    static Dataset<Row> frame(List<Row> rows, StructType schema, int partitions) {
        return sliced(rows, schema, partitions, null);
    }

    /** Like {@link #of(DataLoader, int)}, counting in {@code pulled} every row a task computes. */
    static Dataset<Row> counted(DataLoader loader, int partitions, org.apache.spark.util.LongAccumulator pulled) {
        return sliced(rows(loader), LOADER_SCHEMA, partitions, pulled);
    }

    private static Dataset<Row> sliced(List<Row> rows, StructType schema, int partitions,
                                       org.apache.spark.util.LongAccumulator pulled) {
        List<Integer> indexes = java.util.stream.IntStream.range(0, rows.size()).boxed().toList();
        return session().createDataFrame(SparkTestSession.get().parallelize(indexes, partitions)
                .map(new RowAt(rows, pulled)), schema);
    }

    private static List<Row> rows(DataLoader loader) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < loader.size(); i++) {
            DataItem item = loader.get(i);
            rows.add(RowFactory.create(item.inputs().get("x").floats().clone(), item.annotation()));
        }
        return rows;
    }

    /** Row {@code i} of a list shipped with the task (Java-serialized), counted in {@code pulled} unless null. */
    static final class RowAt implements org.apache.spark.api.java.function.Function<Integer, Row> {
        private static final long serialVersionUID = 1L;
        private final ArrayList<Row> rows;
        private final org.apache.spark.util.LongAccumulator pulled;

        RowAt(List<Row> rows, org.apache.spark.util.LongAccumulator pulled) {
            this.rows = new ArrayList<>(rows);
            this.pulled = pulled;
        }

        @Override
        public Row call(Integer i) {
            if (pulled != null) {
                pulled.add(1);
            }
            return rows.get(i);
        }
    }

    static List<Float> boxed(float[] values) {
        List<Float> out = new ArrayList<>(values.length);
        for (float v : values) {
            out.add(v);
        }
        return out;
    }

    /**
     * x: float [batch, seq] and ids: int64 [batch, seq] (seq dynamic) → y = x + float(ids): one open dimension
     * besides the batch, and an integer input.
     */
    static OnnxMl.ModelProto addIds() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("add_ids")
                .addInput(dynamic("x", OnnxMl.TensorProto.DataType.FLOAT_VALUE, 2))
                .addInput(dynamic("ids", OnnxMl.TensorProto.DataType.INT64_VALUE, 2))
                .addOutput(dynamic("y", OnnxMl.TensorProto.DataType.FLOAT_VALUE, 2))
                .addNode(TinyModels.node("Cast", "cast", List.of("ids"), List.of("idsf"),
                        TinyModels.intAttr("to", OnnxMl.TensorProto.DataType.FLOAT_VALUE)))
                .addNode(TinyModels.node("Add", "add", List.of("x", "idsf"), List.of("y")));
        return TinyModels.model(13, g);
    }

    /** x: float [batch, h, w] (all dynamic) → Relu → y: two open dimensions besides the batch. */
    static OnnxMl.ModelProto reluDynamic() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("relu_dynamic")
                .addInput(dynamic("x", OnnxMl.TensorProto.DataType.FLOAT_VALUE, 3))
                .addOutput(dynamic("y", OnnxMl.TensorProto.DataType.FLOAT_VALUE, 3))
                .addNode(TinyModels.node("Relu", "relu", List.of("x"), List.of("y")));
        return TinyModels.model(13, g);
    }

    private static OnnxMl.ValueInfoProto dynamic(String name, int elemType, int rank) {
        OnnxMl.TensorShapeProto.Builder s = OnnxMl.TensorShapeProto.newBuilder();
        for (int i = 0; i < rank; i++) {
            s.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("d" + i));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(s))).build();
    }
}
