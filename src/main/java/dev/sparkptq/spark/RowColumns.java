package dev.sparkptq.spark;

import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.TensorInfo;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Which columns of a {@code Dataset<Row>} hold a model's inputs and annotation, checked against the dataset's schema
 * on the driver before any job runs, so a wrong column fails in one line instead of in a task.
 *
 * <p>The convention: one column per model input, named like the input, holding the sample's values flattened in
 * row-major order as an {@code array} of numbers or as {@code binary} (little-endian values of the input's element
 * type). The shape is the model's with the batch axis 1; a single dynamic dimension is inferred from the length; with
 * more, an {@code <input>_shape} column ({@code array<int>} or {@code array<bigint>}, with or without the leading
 * batch 1) gives the shape per row. The optional annotation column holds an integral class label or a floating
 * numeric target (a similarity score). Other columns are ignored.
 *
 * @param inputs     the model inputs, each with its columns
 * @param annotation the annotation column, or {@code null} when there is none
 */
record RowColumns(List<InputColumn> inputs, Annotation annotation) implements Serializable {
    /** How a column's values are stored. */
    enum Storage { BYTE, SHORT, INT, LONG, FLOAT, DOUBLE, BOOLEAN, BINARY }

    /** What an annotation column means to metrics: {@code EvalSample.label()} or {@code EvalSample.target()}. */
    enum AnnotationKind { LABEL, TARGET }

    /**
     * One model input's column.
     *
     * @param info        the model input (dtype and declared shape)
     * @param column      the values' column index in the schema
     * @param storage     how the values are stored
     * @param shapeColumn  index of the {@code <input>_shape} column, or -1 (the shape is the model's)
     * @param shapeStorage INT or LONG: how the shape column stores dimensions; null without one
     */
    record InputColumn(TensorInfo info, int column, Storage storage, int shapeColumn, Storage shapeStorage)
            implements Serializable {
    }

    /**
     * @param name    the column's name (for messages)
     * @param column  its index in the schema
     * @param storage its numeric type
     * @param kind    label or target
     */
    record Annotation(String name, int column, Storage storage, AnnotationKind kind) implements Serializable {
    }

    private static final Set<DType> INTEGRAL = Set.of(DType.INT8, DType.UINT8, DType.INT16, DType.UINT16,
            DType.INT32, DType.INT64);

    /**
     * The columns of {@code schema} for {@code modelInputs} and the optional {@code annotationColumn}.
     *
     * @param annotationColumn the annotation's column; {@code null} uses a column named {@code label} when the schema
     *                         has one, and {@code ""} means no annotation
     * @throws ConfigException naming the first missing or mistyped column and how to fix it
     */
    static RowColumns of(StructType schema, List<TensorInfo> modelInputs, String annotationColumn) {
        List<String> names = Arrays.asList(schema.fieldNames());
        List<InputColumn> inputs = new ArrayList<>();
        for (TensorInfo in : modelInputs) {
            int column = names.indexOf(in.name());
            if (column < 0) {
                throw new ConfigException("the dataset has no column '" + in.name() + "' for model input '"
                        + in.name() + "' (columns: " + names + "); add one holding each sample's values as "
                        + "array<number> or binary, e.g. df.withColumnRenamed(\"pixels\", \"" + in.name() + "\")");
            }
            Storage storage = storage(schema.fields()[column], in);
            int shapeColumn = shapeColumn(schema, names, in);
            Storage shapeStorage = shapeColumn < 0 ? null
                    : element(((ArrayType) schema.fields()[shapeColumn].dataType()).elementType());
            inputs.add(new InputColumn(in, column, storage, shapeColumn, shapeStorage));
        }
        return new RowColumns(inputs, annotation(schema, names, annotationColumn));
    }

    private static Storage storage(StructField field, TensorInfo in) {
        DataType type = field.dataType();
        if (type.equals(DataTypes.BinaryType)) {
            return Storage.BINARY;
        }
        Storage element = type instanceof ArrayType a ? element(a.elementType()) : null;
        boolean floating = element == Storage.FLOAT || element == Storage.DOUBLE;
        boolean fits = element != null && switch (in.dtype()) {
            case FLOAT, DOUBLE -> element != Storage.BOOLEAN;
            case BOOL -> element == Storage.BOOLEAN || !floating;
            default -> INTEGRAL.contains(in.dtype()) && element != Storage.BOOLEAN && !floating;
        };
        if (!fits) {
            throw new ConfigException("column '" + field.name() + "' is " + type.simpleString() + " but model input '"
                    + in.name() + "' is " + in.dtype() + "; store it as " + expected(in.dtype())
                    + " (e.g. col(\"" + field.name() + "\").cast(\"" + expected(in.dtype()) + "\")) or as binary");
        }
        return element;
    }

    private static String expected(DType dtype) {
        return switch (dtype) {
            case FLOAT -> "array<float>";
            case DOUBLE -> "array<double>";
            case INT64 -> "array<bigint>";
            case BOOL -> "array<boolean>";
            default -> "array<int>";
        };
    }

    private static Storage element(DataType type) {
        if (type.equals(DataTypes.ByteType)) {
            return Storage.BYTE;
        } else if (type.equals(DataTypes.ShortType)) {
            return Storage.SHORT;
        } else if (type.equals(DataTypes.IntegerType)) {
            return Storage.INT;
        } else if (type.equals(DataTypes.LongType)) {
            return Storage.LONG;
        } else if (type.equals(DataTypes.FloatType)) {
            return Storage.FLOAT;
        } else if (type.equals(DataTypes.DoubleType)) {
            return Storage.DOUBLE;
        } else if (type.equals(DataTypes.BooleanType)) {
            return Storage.BOOLEAN;
        }
        return null;
    }

    /** The {@code <input>_shape} column, required when the model leaves more than one non-batch dimension open. */
    private static int shapeColumn(StructType schema, List<String> names, TensorInfo in) {
        String name = in.name() + "_shape";
        int column = names.indexOf(name);
        if (column >= 0) {
            DataType type = schema.fields()[column].dataType();
            Storage element = type instanceof ArrayType a ? element(a.elementType()) : null;
            if (element != Storage.INT && element != Storage.LONG) {
                throw new ConfigException("column '" + name + "' is " + type.simpleString() + "; a shape column "
                        + "holds array<int> or array<bigint> (the sample's dimensions, e.g. [1, 128])");
            }
            return column;
        }
        long[] shape = in.shape();
        long open = shape == null ? 2 : Arrays.stream(shape).skip(1).filter(d -> d < 0).count();
        if (open > 1) {
            throw new ConfigException("model input '" + in.name() + "' has " + (shape == null ? "no declared shape"
                    : "shape " + Arrays.toString(shape) + " with " + open + " dynamic dimensions") + "; add a column '"
                    + name + "' (array<int>) giving each sample's shape");
        }
        return -1;
    }

    private static Annotation annotation(StructType schema, List<String> names, String column) {
        if (column != null && column.isEmpty()) {
            return null;
        }
        String name = column == null ? "label" : column;
        int index = names.indexOf(name);
        if (index < 0) {
            if (column == null) {
                return null;
            }
            throw new ConfigException("the dataset has no annotation column '" + column + "' (columns: " + names
                    + "); name an existing column, or pass \"\" for data without annotations");
        }
        DataType type = schema.fields()[index].dataType();
        Storage s = element(type);
        if (s == null || s == Storage.BOOLEAN) {
            throw new ConfigException("annotation column '" + name + "' is " + type.simpleString() + "; it must hold "
                    + "an int class label or a double target (array annotations are not supported in this version)");
        }
        return new Annotation(name, index, s,
                s == Storage.FLOAT || s == Storage.DOUBLE ? AnnotationKind.TARGET : AnnotationKind.LABEL);
    }
}
