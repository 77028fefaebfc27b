package dev.sparkptq.algorithms.prepare;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.UnsafeByteOperations;
import dev.sparkptq.core.ModelException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * IEEE half (FLOAT16) and bfloat16 tensors to FLOAT, exactly. ONNX stores both as 16-bit patterns, little-endian in
 * {@code raw_data} or one per element of {@code int32_data}.
 */
final class HalfFloats {
    private HalfFloats() {
    }

    /** The FLOAT tensor with the same name, dims and values. */
    static OnnxMl.TensorProto toFloat(OnnxMl.TensorProto t) {
        if (t.getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL) {
            throw new ModelException("tensor '" + t.getName() + "' still points to external data; load the model "
                    + "with ModelIo.load so that external data is read into memory");
        }
        boolean bf16 = t.getDataType() == OnnxMl.TensorProto.DataType.BFLOAT16_VALUE;
        int n;
        short[] bits;
        if (t.hasRawData()) {
            ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            n = raw.remaining() / 2;
            bits = new short[n];
            raw.asShortBuffer().get(bits);
        } else {
            n = t.getInt32DataCount();
            bits = new short[n];
            for (int i = 0; i < n; i++) {
                bits[i] = (short) t.getInt32Data(i);
            }
        }
        ByteBuffer out = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (short s : bits) {
            out.putFloat(bf16 ? Float.intBitsToFloat((s & 0xFFFF) << 16) : dev.sparkptq.core.HalfFloat.toFloat(s));
        }
        return t.toBuilder().setDataType(OnnxMl.TensorProto.DataType.FLOAT_VALUE).clearInt32Data()
                .setRawData(UnsafeByteOperations.unsafeWrap(out.array())).build();
    }
}
