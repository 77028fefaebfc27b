package dev.sparkptq.core;

/** Element types of tensors, with their ONNX {@code TensorProto.DataType} numbers. */
public enum DType {
    FLOAT(1, 4), UINT8(2, 1), INT8(3, 1), UINT16(4, 2), INT16(5, 2), INT32(6, 4), INT64(7, 8), BOOL(9, 1),
    DOUBLE(11, 8);

    private final int onnxType;
    private final int bytes;

    DType(int onnxType, int bytes) {
        this.onnxType = onnxType;
        this.bytes = bytes;
    }

    public int onnxType() {
        return onnxType;
    }

    public int bytes() {
        return bytes;
    }

    /** The type for an ONNX {@code TensorProto.DataType} number, or {@code null} when spark-ptq does not handle it. */
    public static DType fromOnnx(int onnxType) {
        for (DType t : values()) {
            if (t.onnxType == onnxType) {
                return t;
            }
        }
        return null;
    }
}
