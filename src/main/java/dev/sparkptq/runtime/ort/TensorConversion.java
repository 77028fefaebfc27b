package dev.sparkptq.runtime.ort;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo.OnnxTensorType;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.DataException;
import dev.sparkptq.core.ModelException;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.core.TensorInfo;

import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;

/**
 * Copies between core {@link Tensor}s (Java arrays) and ORT's {@link OnnxTensor}s (native memory). Heap buffers are
 * handed to ORT, which copies them into direct memory; so a core tensor's array is never aliased by native code.
 */
final class TensorConversion {
    private TensorConversion() {
    }

    /** A new native tensor; the caller owns it and must close it. */
    static OnnxTensor toOnnx(OrtEnvironment env, String name, Tensor t) throws OrtException {
        long[] shape = t.shape();
        return switch (t.dtype()) {
            case FLOAT -> OnnxTensor.createTensor(env, FloatBuffer.wrap(t.floats()), shape);
            case DOUBLE -> OnnxTensor.createTensor(env, DoubleBuffer.wrap(t.doubles()), shape);
            case INT64 -> OnnxTensor.createTensor(env, LongBuffer.wrap(t.longs()), shape);
            case INT32 -> OnnxTensor.createTensor(env, IntBuffer.wrap(t.ints()), shape);
            case INT8 -> OnnxTensor.createTensor(env, ByteBuffer.wrap(t.bytes()), shape, OnnxJavaType.INT8);
            case UINT8 -> OnnxTensor.createTensor(env, ByteBuffer.wrap(t.bytes()), shape, OnnxJavaType.UINT8);
            case BOOL -> OnnxTensor.createTensor(env, ByteBuffer.wrap(t.bytes()), shape, OnnxJavaType.BOOL);
            case INT16 -> OnnxTensor.createTensor(env, ShortBuffer.wrap(t.shorts()), shape, OnnxJavaType.INT16);
            default -> throw new DataException("input '" + name + "' is " + t.dtype()
                    + ", which the ONNX Runtime Java API cannot pass; convert it to INT32 or FLOAT in the reader");
        };
    }

    /** A Java-heap copy of a native output tensor. */
    static Tensor fromOnnx(String name, OnnxTensor t) {
        ai.onnxruntime.TensorInfo info = t.getInfo();
        long[] shape = info.getShape();
        DType dtype = dtype(name, info.onnxType);
        int n = Math.toIntExact(Tensor.numel(shape));
        return switch (dtype) {
            case FLOAT -> Tensor.ofFloats(shape, copy(t.getFloatBuffer(), new float[n]));
            case DOUBLE -> Tensor.ofDoubles(shape, copy(t.getDoubleBuffer(), new double[n]));
            case INT64 -> Tensor.ofLongs(shape, copy(t.getLongBuffer(), new long[n]));
            case INT32 -> Tensor.ofInts(shape, copy(t.getIntBuffer(), new int[n]));
            case INT8, UINT8, BOOL -> Tensor.ofBytes(dtype, shape, copy(t.getByteBuffer(), new byte[n]));
            case INT16, UINT16 -> Tensor.ofShorts(dtype, shape, copy(t.getShortBuffer(), new short[n]));
        };
    }

    /**
     * Core type of an ORT element type, by name: the Java enum's {@code value} numbers are ORT's own and do not match
     * ONNX's {@code TensorProto.DataType}. Types spark-ptq cannot hold (strings, float16, ...) are a model problem.
     */
    static DType dtype(String name, OnnxTensorType type) {
        return switch (type) {
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT -> DType.FLOAT;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE -> DType.DOUBLE;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 -> DType.INT64;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32 -> DType.INT32;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16 -> DType.INT16;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16 -> DType.UINT16;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8 -> DType.INT8;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8 -> DType.UINT8;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL -> DType.BOOL;
            default -> throw new ModelException("tensor '" + name + "' has element type " + type
                    + ", which spark-ptq does not handle; supported: FLOAT, DOUBLE, INT64, INT32, INT16, UINT16,"
                    + " INT8, UINT8, BOOL");
        };
    }

    /** Core description of an ORT input/output; ORT reports symbolic dimensions as -1, as core expects. */
    static TensorInfo info(String name, ai.onnxruntime.TensorInfo ort) {
        return new TensorInfo(name, dtype(name, ort.onnxType), ort.getShape());
    }

    private static float[] copy(FloatBuffer b, float[] out) {
        b.rewind().get(out);
        return out;
    }

    private static double[] copy(DoubleBuffer b, double[] out) {
        b.rewind().get(out);
        return out;
    }

    private static long[] copy(LongBuffer b, long[] out) {
        b.rewind().get(out);
        return out;
    }

    private static int[] copy(IntBuffer b, int[] out) {
        b.rewind().get(out);
        return out;
    }

    private static byte[] copy(ByteBuffer b, byte[] out) {
        b.rewind().get(out);
        return out;
    }

    private static short[] copy(ShortBuffer b, short[] out) {
        b.rewind().get(out);
        return out;
    }
}
