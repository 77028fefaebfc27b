package dev.sparkptq.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.ModelException;
import dev.sparkptq.core.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TensorProtosTest {
    static Stream<Arguments> tensors() {
        long[] s = {2, 2};
        return Stream.of(
                Arguments.of(Tensor.ofFloats(s, new float[] {1.5f, -2f, 0f, Float.MAX_VALUE})),
                Arguments.of(Tensor.ofDoubles(s, new double[] {1.5, -2, 0, 1e300})),
                Arguments.of(Tensor.ofLongs(s, new long[] {1, -2, Long.MAX_VALUE, Long.MIN_VALUE})),
                Arguments.of(Tensor.ofInts(s, new int[] {1, -2, Integer.MAX_VALUE, 0})),
                Arguments.of(Tensor.ofShorts(DType.INT16, s, new short[] {1, -2, 32767, -32768})),
                Arguments.of(Tensor.ofShorts(DType.UINT16, s, new short[] {1, 2, (short) 65535, 0})),
                Arguments.of(Tensor.ofBytes(DType.INT8, s, new byte[] {1, -2, 127, -128})),
                Arguments.of(Tensor.ofBytes(DType.UINT8, s, new byte[] {1, 2, (byte) 255, 0})),
                Arguments.of(Tensor.ofBytes(DType.BOOL, s, new byte[] {1, 0, 1, 1})));
    }

    @ParameterizedTest
    @MethodSource("tensors")
    void roundTripKeepsTypeShapeAndValues(Tensor t) {
        OnnxMl.TensorProto p = TensorProtos.fromTensor("t", t);
        assertEquals(t.dtype().onnxType(), p.getDataType());
        Tensor back = TensorProtos.toTensor(p);
        assertEquals(t.dtype(), back.dtype());
        assertArrayEquals(t.shape(), back.shape());
        assertArrayEquals(t.toFloats(), back.toFloats());
    }

    @Test
    void rawDataIsLittleEndian() {
        OnnxMl.TensorProto p = TensorProtos.fromTensor("t", Tensor.ofInts(new long[] {1}, new int[] {0x01020304}));
        assertArrayEquals(new byte[] {4, 3, 2, 1}, p.getRawData().toByteArray());
    }

    @Test
    void typedFieldsAreDecoded() {
        OnnxMl.TensorProto f = OnnxMl.TensorProto.newBuilder().setDataType(1).addDims(2).addFloatData(0.25f)
                .addFloatData(-3f).build();
        assertArrayEquals(new float[] {0.25f, -3f}, TensorProtos.toTensor(f).floats());
        OnnxMl.TensorProto u8 = OnnxMl.TensorProto.newBuilder().setDataType(2).addDims(2).addInt32Data(200)
                .addInt32Data(3).build();
        assertArrayEquals(new float[] {200f, 3f}, TensorProtos.toTensor(u8).toFloats());
        OnnxMl.TensorProto scalar = OnnxMl.TensorProto.newBuilder().setDataType(7).addInt64Data(42).build();
        assertArrayEquals(new long[] {42}, TensorProtos.toTensor(scalar).longs());
    }

    @Test
    void wrongRawLengthAndUnsupportedTypeAreModelErrors() {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1f).putFloat(2f);
        OnnxMl.TensorProto shortRaw = OnnxMl.TensorProto.newBuilder().setName("w").setDataType(1).addDims(3)
                .setRawData(ByteString.copyFrom(b.array())).build();
        assertThrows(ModelException.class, () -> TensorProtos.toTensor(shortRaw));
        OnnxMl.TensorProto fp16 = OnnxMl.TensorProto.newBuilder().setName("h").setDataType(10).addDims(1)
                .addInt32Data(0).build();
        assertThrows(ModelException.class, () -> TensorProtos.toTensor(fp16));
    }
}
