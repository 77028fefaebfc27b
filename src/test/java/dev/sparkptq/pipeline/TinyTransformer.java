package dev.sparkptq.pipeline;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.config.ConfigLoader;
import dev.sparkptq.config.ConfigOverrides;
import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.data.Npy;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.graph.TensorProtos;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static dev.sparkptq.graph.TinyModels.floats;
import static dev.sparkptq.graph.TinyModels.ints;
import static dev.sparkptq.graph.TinyModels.intAttr;
import static dev.sparkptq.graph.TinyModels.longs;
import static dev.sparkptq.graph.TinyModels.model;
import static dev.sparkptq.graph.TinyModels.node;

/**
 * One BERT encoder layer as PyTorch exports it (opset 17), small: hidden 8, 2 heads of 4, FFN 16, input
 * {@code x [1, 5, 8]}. LayerNorm → Q/K/V (MatMul + bias Add) → head split by a Reshape whose shape is a Concat of
 * Shape-derived batch/sequence and constant heads → softmax attention → head merge → output projection + residual →
 * LayerNorm → FFN with the exported erf-GELU ({@code x·(erf(x/√2)+1)·0.5}) → residual → LayerNorm. Input channel 3
 * carries outliers, so SmoothQuant has something to move.
 */
public final class TinyTransformer {
    public static final int SAMPLES = 8;
    private static final long HIDDEN = 8;
    private static final long HEADS = 2;
    private static final long HEAD = 4;
    private static final long FFN = 16;

    private TinyTransformer() {
    }

    /** Writes {@code block.onnx} and {@code SAMPLES} npy inputs under {@code data/}. */
    /**
     * DefaultQuantization (transformer, mixed preset) of the block written by {@link #write} in {@code dir};
     * {@code params} adds params after the preset (e.g. {@code , "smooth_quant_alphas": {...}}).
     */
    public static PtqConfig config(Path dir, String params) {
        String json = """
                { "model": { "model": "block.onnx" },
                  "engine": { "data_source": "data", "speed_guard": false,
                              "reader": { "type": "npy" }, "num_partitions": 2 },
                  "compression": { "model_type": "transformer", "algorithms": [ { "name": "DefaultQuantization",
                                   "params": { "preset": "mixed" %s } } ] } }
                """.formatted(params);
        return ConfigLoader.fromJson(json, dir, ConfigOverrides.none());
    }

    public static void write(Path dir) throws Exception {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("encoder")
                .addInput(dynamic("x")).addOutput(dynamic("y"));
        List<OnnxMl.NodeProto> n = new ArrayList<>();
        layerNorm(g, n, "ln0", "x", 1);
        for (String p : List.of("q", "k", "v")) {
            linear(g, n, p, "ln0", HIDDEN, HIDDEN, p.charAt(0));
            heads(g, n, p, p.equals("k") ? new long[]{0, 2, 3, 1} : new long[]{0, 2, 1, 3});
        }
        n.add(node("MatMul", "scores", List.of("q_heads", "k_heads"), List.of("scores")));
        g.addInitializer(scalar("sqrt_d", 2f));
        n.add(node("Div", "scale", List.of("scores", "sqrt_d"), List.of("scaled")));
        n.add(node("Softmax", "softmax", List.of("scaled"), List.of("probs"), intAttr("axis", -1)));
        n.add(node("MatMul", "mix", List.of("probs", "v_heads"), List.of("context_heads")));
        n.add(node("Transpose", "merge_t", List.of("context_heads"), List.of("context_t"), ints("perm", 0, 2, 1, 3)));
        shapeOf(g, n, "context_t", "merge_shape", longs("merge_c", new long[]{HIDDEN}));
        n.add(node("Reshape", "merge", List.of("context_t", "merge_shape"), List.of("context")));
        linear(g, n, "o", "context", HIDDEN, HIDDEN, 'o');
        n.add(node("Add", "residual1", List.of("o", "ln0"), List.of("r1")));
        layerNorm(g, n, "ln1", "r1", 2);
        linear(g, n, "f1", "ln1", HIDDEN, FFN, 'f');
        gelu(g, n, "f1", "act");
        linear(g, n, "f2", "act", FFN, HIDDEN, 's');
        n.add(node("Add", "residual2", List.of("f2", "ln1"), List.of("r2")));
        layerNorm(g, n, "ln2", "r2", 3);
        n.add(node("Identity", "out", List.of("ln2"), List.of("y")));
        g.addAllNode(n);
        ModelIo.save(model(17, g), dir.resolve("block.onnx"));
        Path data = Files.createDirectories(dir.resolve("data"));
        SplittableRandom rnd = new SplittableRandom(5);
        for (int i = 0; i < SAMPLES; i++) {
            float[] x = new float[(int) (5 * HIDDEN)];
            for (int k = 0; k < x.length; k++) {
                x[k] = (float) ((rnd.nextDouble() * 2 - 1) * (k % HIDDEN == 3 ? 30 : 1));
            }
            Npy.write(data.resolve(String.format("s%03d.npy", i)), Tensor.ofFloats(new long[]{1, 5, HIDDEN}, x));
        }
    }

    private static void layerNorm(OnnxMl.GraphProto.Builder g, List<OnnxMl.NodeProto> n, String name, String in,
                                  long seed) {
        g.addInitializer(floats(name + "_gamma", 100 + seed, HIDDEN)).addInitializer(floats(name + "_beta",
                200 + seed, HIDDEN));
        n.add(node("LayerNormalization", name, List.of(in, name + "_gamma", name + "_beta"), List.of(name),
                intAttr("axis", -1)));
    }

    private static void linear(OnnxMl.GraphProto.Builder g, List<OnnxMl.NodeProto> n, String name, String in,
                               long k, long out, char seed) {
        g.addInitializer(floats(name + "_w", seed, k, out)).addInitializer(floats(name + "_b", seed + 1000, out));
        n.add(node("MatMul", name + "_matmul", List.of(in, name + "_w"), List.of(name + "_mm")));
        n.add(node("Add", name + "_bias", List.of(name + "_b", name + "_mm"), List.of(name)));
    }

    /** {@code t [1, S, 8]} → {@code [1, 2, S, 4]} (or keys {@code [1, 2, 4, S]}) via a Concat-built shape. */
    private static void heads(OnnxMl.GraphProto.Builder g, List<OnnxMl.NodeProto> n, String t, long[] perm) {
        shapeOf(g, n, t, t + "_split_shape", longs(t + "_h", new long[]{HEADS}), longs(t + "_d", new long[]{HEAD}));
        n.add(node("Reshape", t + "_split", List.of(t, t + "_split_shape"), List.of(t + "_split")));
        n.add(node("Transpose", t + "_t", List.of(t + "_split"), List.of(t + "_heads"), ints("perm", perm)));
    }

    /** {@code out = Concat(shape(t)[0], shape(t)[1], tail...)}, as exporters build dynamic reshapes. */
    private static void shapeOf(OnnxMl.GraphProto.Builder g, List<OnnxMl.NodeProto> n, String t, String out,
                                OnnxMl.TensorProto... tail) {
        n.add(node("Shape", t + "_shape", List.of(t), List.of(t + "_dims")));
        List<String> parts = new ArrayList<>();
        for (int axis = 0; axis < 2; axis++) {
            String idx = t + "_axis" + axis;
            g.addInitializer(TensorProtos.fromTensor(idx, Tensor.ofLongs(new long[]{}, new long[]{axis})));
            n.add(node("Gather", t + "_gather" + axis, List.of(t + "_dims", idx), List.of(idx + "_dim")));
            g.addInitializer(longs(idx + "_unsq", new long[]{0}));
            n.add(node("Unsqueeze", t + "_unsqueeze" + axis, List.of(idx + "_dim", idx + "_unsq"),
                    List.of(idx + "_vec")));
            parts.add(idx + "_vec");
        }
        for (OnnxMl.TensorProto c : tail) {
            g.addInitializer(c);
            parts.add(c.getName());
        }
        n.add(node("Concat", out + "_concat", parts, List.of(out), intAttr("axis", 0)));
    }

    private static void gelu(OnnxMl.GraphProto.Builder g, List<OnnxMl.NodeProto> n, String in, String out) {
        g.addInitializer(scalar("sqrt2", 1.4142135f)).addInitializer(scalar("one", 1f))
                .addInitializer(scalar("half", 0.5f));
        n.add(node("Div", "gelu_div", List.of(in, "sqrt2"), List.of("gelu_d")));
        n.add(node("Erf", "gelu_erf", List.of("gelu_d"), List.of("gelu_e")));
        n.add(node("Add", "gelu_add", List.of("gelu_e", "one"), List.of("gelu_a")));
        n.add(node("Mul", "gelu_mul", List.of(in, "gelu_a"), List.of("gelu_m")));
        n.add(node("Mul", "gelu_half", List.of("gelu_m", "half"), List.of(out)));
    }

    /** {@code [batch, sequence, 8]} with symbolic batch and sequence, as exported (static shapes let ONNX Runtime
     * turn MatMul + Add into Gemm, which real exports never see). */
    private static OnnxMl.ValueInfoProto dynamic(String name) {
        OnnxMl.TensorShapeProto.Builder s = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("sequence"))
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(HIDDEN));
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(OnnxMl.TensorProto.DataType.FLOAT_VALUE).setShape(s))).build();
    }

    private static OnnxMl.TensorProto scalar(String name, float v) {
        return TensorProtos.fromTensor(name, Tensor.ofFloats(new long[]{}, new float[]{v}));
    }
}
