package dev.sparkptq.graph;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Set;

/**
 * Test helper: FP16 (or BF16) versions of FP32 models, as converters such as onnxconverter-common's
 * {@code float16.convert_float_to_float16} write them: every FLOAT initializer, Constant value, Cast target and
 * declared value type (graph inputs and outputs included) becomes the 16-bit type, values rounded to nearest even.
 * Also the FP32 model with its weights rounded through the 16-bit type, which an upcast FP16 model must equal.
 */
public final class Fp16Models {
    public static final int FLOAT16 = OnnxMl.TensorProto.DataType.FLOAT16_VALUE;
    public static final int BFLOAT16 = OnnxMl.TensorProto.DataType.BFLOAT16_VALUE;
    private static final int FLOAT = OnnxMl.TensorProto.DataType.FLOAT_VALUE;

    private Fp16Models() {
    }

    /** The model in {@code type} (FLOAT16 or BFLOAT16), inputs and outputs included. */
    public static OnnxMl.ModelProto convert(OnnxMl.ModelProto m, int type) {
        return m.toBuilder().setGraph(graph(m.getGraph(), type, false)).build();
    }

    /** The FP32 model whose float weights hold the values the {@code type} version holds (rounded and back). */
    public static OnnxMl.ModelProto roundedWeights(OnnxMl.ModelProto m, int type) {
        return m.toBuilder().setGraph(graph(m.getGraph(), type, true)).build();
    }

    private static OnnxMl.GraphProto graph(OnnxMl.GraphProto g, int type, boolean roundOnly) {
        OnnxMl.GraphProto.Builder b = g.toBuilder();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            b.setInitializer(i, tensor(g.getInitializer(i), type, roundOnly));
        }
        for (int i = 0; i < g.getNodeCount(); i++) {
            OnnxMl.NodeProto.Builder n = g.getNode(i).toBuilder();
            for (int k = 0; k < n.getAttributeCount(); k++) {
                OnnxMl.AttributeProto a = n.getAttribute(k);
                if (a.hasT()) {
                    n.setAttribute(k, a.toBuilder().setT(tensor(a.getT(), type, roundOnly)));
                } else if (!roundOnly && a.getName().equals("to") && a.getI() == FLOAT) {
                    n.setAttribute(k, a.toBuilder().setI(type));
                } else if (a.hasG()) {
                    n.setAttribute(k, a.toBuilder().setG(graph(a.getG(), type, roundOnly)));
                }
            }
            b.setNode(i, n);
        }
        if (!roundOnly) {
            for (int i = 0; i < g.getInputCount(); i++) {
                b.setInput(i, info(g.getInput(i), type));
            }
            for (int i = 0; i < g.getOutputCount(); i++) {
                b.setOutput(i, info(g.getOutput(i), type));
            }
            for (int i = 0; i < g.getValueInfoCount(); i++) {
                b.setValueInfo(i, info(g.getValueInfo(i), type));
            }
        }
        return b.build();
    }

    private static OnnxMl.ValueInfoProto info(OnnxMl.ValueInfoProto v, int type) {
        if (!v.getType().hasTensorType() || v.getType().getTensorType().getElemType() != FLOAT) {
            return v;
        }
        OnnxMl.ValueInfoProto.Builder b = v.toBuilder();
        b.getTypeBuilder().getTensorTypeBuilder().setElemType(type);
        return b.build();
    }

    private static OnnxMl.TensorProto tensor(OnnxMl.TensorProto t, int type, boolean roundOnly) {
        if (t.getDataType() != FLOAT) {
            return t;
        }
        float[] v = TensorProtos.toTensor(t).floats();
        if (roundOnly) {
            float[] r = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                r[i] = back(bits(v[i], type), type);
            }
            return TensorProtos.fromTensor(t.getName(), dev.sparkptq.core.Tensor.ofFloats(
                    t.getDimsList().stream().mapToLong(Long::longValue).toArray(), r));
        }
        ByteBuffer raw = ByteBuffer.allocate(2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            raw.putShort(bits(f, type));
        }
        return t.toBuilder().setDataType(type).clearFloatData().setRawData(ByteString.copyFrom(raw.array())).build();
    }

    /** The 16-bit pattern of {@code f} (round to nearest even). */
    public static short bits(float f, int type) {
        return type == BFLOAT16 ? toBf16(f) : toHalf(f);
    }

    /** The float a 16-bit pattern holds. */
    public static float back(short s, int type) {
        return type == BFLOAT16 ? Float.intBitsToFloat((s & 0xFFFF) << 16) : halfToFloat(s);
    }

    private static short toBf16(float f) {
        int bits = Float.floatToIntBits(f);
        int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
        return (short) (rounded >>> 16);
    }

    /** Round-to-nearest-even binary32 → binary16, written independently of the code under test. */
    private static short toHalf(float f) {
        if (Float.isNaN(f)) {
            return (short) 0x7E00;
        }
        int sign = Float.floatToIntBits(f) >>> 16 & 0x8000;
        double a = Math.abs((double) f);
        if (a >= 65520) {
            return (short) (sign | 0x7C00);
        }
        if (a < 0x1p-14) { // subnormal or zero: units of 2^-24
            long units = Math.round(Math.rint(a * 0x1p24));
            return (short) (sign | units);
        }
        int e = Math.getExponent(a);
        double mant = a / Math.scalb(1.0, e) - 1; // in [0, 1)
        long m = (long) Math.rint(mant * 1024);
        if (m == 1024) {
            m = 0;
            e++;
        }
        return (short) (sign | (e + 15) << 10 | m);
    }

    private static float halfToFloat(short h) {
        int e = (h >>> 10) & 0x1F;
        int m = h & 0x3FF;
        double v = e == 0 ? m * 0x1p-24 : e == 31 ? (m == 0 ? Double.POSITIVE_INFINITY : Double.NaN)
                : Math.scalb(1 + m / 1024.0, e - 15);
        return (float) ((h & 0x8000) != 0 ? -v : v);
    }

    /** Element types used anywhere in the main graph (initializers and declared values). */
    public static Set<Integer> elementTypes(OnnxMl.ModelProto m) {
        Set<Integer> out = new java.util.TreeSet<>();
        m.getGraph().getInitializerList().forEach(t -> out.add(t.getDataType()));
        m.getGraph().getInputList().forEach(v -> out.add(v.getType().getTensorType().getElemType()));
        m.getGraph().getOutputList().forEach(v -> out.add(v.getType().getTensorType().getElemType()));
        return out;
    }
}
