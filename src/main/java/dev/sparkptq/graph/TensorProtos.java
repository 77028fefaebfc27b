package dev.sparkptq.graph;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.ModelException;
import dev.sparkptq.core.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Optional;

/**
 * Conversion between ONNX {@code TensorProto}s and core {@link Tensor}s for FLOAT, DOUBLE, INT64, INT32, INT16,
 * UINT16, INT8, UINT8 and BOOL. Reads both {@code raw_data} (little-endian, as ONNX specifies) and the typed repeated
 * fields; always writes {@code raw_data}, which is compact and what ONNX Runtime reads fastest.
 */
public final class TensorProtos {
    private TensorProtos() {
    }

    /** Decodes a tensor whose data is in memory (external data must have been resolved by {@link ModelIo#load}). */
    public static Tensor toTensor(OnnxMl.TensorProto t) {
        DType dtype = DType.fromOnnx(t.getDataType());
        if (dtype == null) {
            throw new ModelException("tensor '" + t.getName() + "' has ONNX data type " + t.getDataType()
                    + ", which spark-ptq cannot decode; supported: " + Arrays.toString(DType.values()));
        }
        if (t.getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL) {
            throw new ModelException("tensor '" + t.getName() + "' still points to external data; load the model "
                    + "with ModelIo.load so that external data is read into memory");
        }
        long[] shape = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        int n = elementCount(t.getName(), shape);
        Object data = t.hasRawData() ? fromRaw(t, dtype, n) : fromTyped(t, dtype, n);
        return Tensor.of(dtype, shape, data);
    }

    /** Encodes a tensor as a proto with {@code raw_data} in little-endian order. */
    public static OnnxMl.TensorProto fromTensor(String name, Tensor tensor) {
        int n = (int) tensor.numel();
        ByteBuffer buf = ByteBuffer.allocate(n * tensor.dtype().bytes()).order(ByteOrder.LITTLE_ENDIAN);
        switch (tensor.dtype()) {
            case FLOAT -> buf.asFloatBuffer().put(tensor.floats());
            case DOUBLE -> buf.asDoubleBuffer().put(tensor.doubles());
            case INT64 -> buf.asLongBuffer().put(tensor.longs());
            case INT32 -> buf.asIntBuffer().put(tensor.ints());
            case INT16, UINT16 -> buf.asShortBuffer().put(tensor.shorts());
            case INT8, UINT8, BOOL -> buf.put(tensor.bytes());
        }
        OnnxMl.TensorProto.Builder b = OnnxMl.TensorProto.newBuilder().setName(name)
                .setDataType(tensor.dtype().onnxType())
                .setRawData(UnsafeByteOperations.unsafeWrap(buf.array()));
        for (long d : tensor.shape()) {
            b.addDims(d);
        }
        return b.build();
    }

    /**
     * The value of a {@code Constant} node ({@code value}, {@code value_float(s)} or {@code value_int(s)}), or empty
     * for other nodes and for sparse or string constants.
     */
    public static Optional<Tensor> constantNodeValue(OnnxMl.NodeProto node) {
        if (!node.getOpType().equals("Constant") || !(node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx"))) {
            return Optional.empty();
        }
        for (OnnxMl.AttributeProto a : node.getAttributeList()) {
            switch (a.getName()) {
                case "value":
                    return DType.fromOnnx(a.getT().getDataType()) == null ? Optional.empty()
                            : Optional.of(toTensor(a.getT()));
                case "value_float":
                    return Optional.of(Tensor.ofFloats(new long[0], new float[] {a.getF()}));
                case "value_floats":
                    return Optional.of(Tensor.ofFloats(new long[] {a.getFloatsCount()}, new Attribute(a.getName(), a)
                            .asFloats()));
                case "value_int":
                    return Optional.of(Tensor.ofLongs(new long[0], new long[] {a.getI()}));
                case "value_ints":
                    return Optional.of(Tensor.ofLongs(new long[] {a.getIntsCount()}, new Attribute(a.getName(), a)
                            .asInts()));
                default:
                    break;
            }
        }
        return Optional.empty();
    }

    /** Bytes the tensor's data occupies (raw or typed), without decoding it. */
    public static long dataBytes(OnnxMl.TensorProto t) {
        if (t.hasRawData()) {
            return t.getRawData().size();
        }
        DType dtype = DType.fromOnnx(t.getDataType());
        int width = dtype == null ? 4 : dtype.bytes();
        long count = (long) t.getFloatDataCount() + t.getInt32DataCount() + t.getInt64DataCount()
                + t.getDoubleDataCount() + t.getUint64DataCount();
        return count * width;
    }

    private static int elementCount(String name, long[] shape) {
        try {
            long n = Tensor.numel(shape);
            if (n > Integer.MAX_VALUE) {
                throw new ModelException("tensor '" + name + "' has " + n + " elements; at most 2^31-1 are supported");
            }
            return (int) n;
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new ModelException("tensor '" + name + "' has invalid dims " + Arrays.toString(shape), e);
        }
    }

    private static Object fromRaw(OnnxMl.TensorProto t, DType dtype, int n) {
        ByteString raw = t.getRawData();
        if ((long) n * dtype.bytes() != raw.size()) {
            throw new ModelException("tensor '" + t.getName() + "' holds " + raw.size() + " bytes of raw data but its "
                    + "shape " + t.getDimsList() + " of " + dtype + " needs " + (long) n * dtype.bytes());
        }
        ByteBuffer buf = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        return switch (dtype) {
            case FLOAT -> { float[] a = new float[n]; buf.asFloatBuffer().get(a); yield a; }
            case DOUBLE -> { double[] a = new double[n]; buf.asDoubleBuffer().get(a); yield a; }
            case INT64 -> { long[] a = new long[n]; buf.asLongBuffer().get(a); yield a; }
            case INT32 -> { int[] a = new int[n]; buf.asIntBuffer().get(a); yield a; }
            case INT16, UINT16 -> { short[] a = new short[n]; buf.asShortBuffer().get(a); yield a; }
            case INT8, UINT8, BOOL -> raw.toByteArray();
        };
    }

    private static Object fromTyped(OnnxMl.TensorProto t, DType dtype, int n) {
        int have = switch (dtype) {
            case FLOAT -> t.getFloatDataCount();
            case DOUBLE -> t.getDoubleDataCount();
            case INT64 -> t.getInt64DataCount();
            default -> t.getInt32DataCount();
        };
        if (have != n) {
            throw new ModelException("tensor '" + t.getName() + "' holds " + have + " values but its shape "
                    + t.getDimsList() + " needs " + n);
        }
        return switch (dtype) {
            case FLOAT -> { float[] a = new float[n]; for (int i = 0; i < n; i++) a[i] = t.getFloatData(i); yield a; }
            case DOUBLE -> t.getDoubleDataList().stream().mapToDouble(Double::doubleValue).toArray();
            case INT64 -> t.getInt64DataList().stream().mapToLong(Long::longValue).toArray();
            case INT32 -> t.getInt32DataList().stream().mapToInt(Integer::intValue).toArray();
            case INT16, UINT16 -> { short[] a = new short[n]; for (int i = 0; i < n; i++) a[i] = (short) t.getInt32Data(i); yield a; }
            case INT8, UINT8, BOOL -> { byte[] a = new byte[n]; for (int i = 0; i < n; i++) a[i] = (byte) t.getInt32Data(i); yield a; }
        };
    }
}
