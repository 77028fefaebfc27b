package dev.sparkptq.algorithms.equalization;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.TensorProtos;
import dev.sparkptq.graph.TinyModels;

import java.util.ArrayList;
import java.util.List;

import static dev.sparkptq.graph.TinyModels.floatInfo;
import static dev.sparkptq.graph.TinyModels.floats;
import static dev.sparkptq.graph.TinyModels.intAttr;
import static dev.sparkptq.graph.TinyModels.ints;
import static dev.sparkptq.graph.TinyModels.node;

/**
 * Tiny two-layer models for equalization tests: x[1, IN, 8, 8] → Conv p (W1 [C, IN/g1, 3, 3], optional bias,
 * pads 1, group g1) → the ops named in {@code between} → consumer c (Conv W2 [O, C/g2, k, k] with bias, or a
 * ConvTranspose W2 [C, O, 2, 2] stride 2) → y. The producer's output channels are made very uneven (row c scaled by
 * {@code 0.02·3^c mod 50}), as in real depthwise layers.
 */
final class Pairs {
    static final int IN = 4;
    static final int C = 8;
    static final int O = 6;

    private Pairs() {
    }

    /** Builder state: all fields have test-friendly defaults. */
    static final class Spec {
        int group1 = 1;
        boolean bias1 = true;
        int group2 = 1;
        int kernel2 = 1;
        int pads2 = 0;
        boolean transposed;
        int multiplier = 1;
        List<String> between = new ArrayList<>();
        float[] rowScale;

        /** A depthwise producer without bias (as BlazeFace's), C = IN·multiplier channels. */
        Spec depthwiseProducer() {
            group1 = IN;
            bias1 = false;
            return this;
        }

        Spec between(String... ops) {
            between = List.of(ops);
            return this;
        }
    }

    static Spec spec() {
        return new Spec();
    }

    static OnnxMl.ModelProto build(Spec s) {
        int channels = s.group1 == IN ? IN * s.multiplier : C;
        Tensor w1 = TensorProtos.toTensor(floats("W1", 11, channels, IN / s.group1, 3, 3));
        float[] v = w1.floats().clone();
        int per = v.length / channels;
        for (int i = 0; i < v.length; i++) {
            v[i] *= s.rowScale != null ? s.rowScale[i / per] : (float) (0.02 * Math.pow(3, i / per) % 50 + 0.01);
        }
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("pair")
                .addInput(floatInfo("x", 1, IN, 8, 8))
                .addInitializer(TensorProtos.fromTensor("W1", Tensor.ofFloats(w1.shape(), v)));
        List<String> in1 = new ArrayList<>(List.of("x", "W1"));
        if (s.bias1) {
            g.addInitializer(floats("B1", 12, channels));
            in1.add("B1");
        }
        g.addNode(node("Conv", "p", in1, List.of("h0"), ints("kernel_shape", 3, 3), ints("pads", 1, 1, 1, 1),
                intAttr("group", s.group1)));
        String t = "h0";
        int k = 0;
        int size = 8;
        for (String op : s.between) {
            String out = "h" + (++k);
            g.addNode(betweenNode(g, op, t, out, channels, k));
            if (op.equals("MaxPool")) {
                size = 4;
            } else if (op.equals("ZeroPad")) {
                size = 10;
            }
            t = out;
        }
        if (s.transposed) {
            g.addInitializer(floats("W2", 13, channels, O, 2, 2)).addInitializer(floats("B2", 14, O))
                    .addNode(node("ConvTranspose", "c", List.of(t, "W2", "B2"), List.of("y"),
                            ints("kernel_shape", 2, 2), ints("strides", 2, 2)))
                    .addOutput(floatInfo("y", 1, O, size * 2, size * 2));
        } else {
            int out = size - s.kernel2 + 1 + 2 * s.pads2;
            int o = s.group2 == channels ? channels : O;
            g.addInitializer(floats("W2", 13, o, channels / s.group2, s.kernel2, s.kernel2))
                    .addInitializer(floats("B2", 14, o))
                    .addNode(node("Conv", "c", List.of(t, "W2", "B2"), List.of("y"),
                            ints("kernel_shape", s.kernel2, s.kernel2),
                            ints("pads", s.pads2, s.pads2, s.pads2, s.pads2), intAttr("group", s.group2)))
                    .addOutput(floatInfo("y", 1, o, out, out));
        }
        return TinyModels.model(13, g);
    }

    private static OnnxMl.NodeProto betweenNode(OnnxMl.GraphProto.Builder g, String op, String in, String out,
                                                int channels, int k) {
        return switch (op) {
            case "PRelu" -> {
                g.addInitializer(floats("slope" + k, 15, channels, 1, 1));
                yield node("PRelu", "b" + k, List.of(in, "slope" + k), List.of(out));
            }
            case "LeakyRelu" -> node("LeakyRelu", "b" + k, List.of(in), List.of(out),
                    TinyModels.floatAttr("alpha", 0.1f));
            case "Clip6", "ClipLow" -> {
                g.addInitializer(TensorProtos.fromTensor("lo" + k, Tensor.ofFloats(new long[0], new float[]{0f})));
                List<String> ins = new ArrayList<>(List.of(in, "lo" + k));
                if (op.equals("Clip6")) {
                    g.addInitializer(TensorProtos.fromTensor("hi" + k, Tensor.ofFloats(new long[0], new float[]{6f})));
                    ins.add("hi" + k);
                }
                yield node("Clip", "b" + k, ins, List.of(out));
            }
            case "MaxPool" -> node("MaxPool", "b" + k, List.of(in), List.of(out), ints("kernel_shape", 2, 2),
                    ints("strides", 2, 2));
            case "ZeroPad" -> {
                g.addInitializer(TinyModels.longs("pads" + k, new long[]{0, 0, 1, 1, 0, 0, 1, 1}));
                yield node("Pad", "b" + k, List.of(in, "pads" + k), List.of(out));
            }
            default -> node(op, "b" + k, List.of(in), List.of(out));
        };
    }
}
