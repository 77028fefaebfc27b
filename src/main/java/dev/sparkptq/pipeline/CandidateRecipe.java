package dev.sparkptq.pipeline;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.graph.edit.OrtQdqLayout;
import dev.sparkptq.calibration.QuantParamsCalculator;
import dev.sparkptq.calibration.Range;
import dev.sparkptq.config.QuantizationParams;
import dev.sparkptq.config.TensorQuantSpec;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.core.QuantParams;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.graph.TensorProtos;
import dev.sparkptq.graph.edit.GraphEdit;
import dev.sparkptq.graph.edit.GraphEdit.InsertQdq;
import dev.sparkptq.graph.edit.GraphRewriter;
import dev.sparkptq.graph.edit.InitializerValues;
import dev.sparkptq.plan.PointKind;
import dev.sparkptq.plan.QuantizationPlan;
import dev.sparkptq.plan.QuantizationPoint;
import dev.sparkptq.plan.QdqEdits;
import dev.sparkptq.runtime.ModelBlob;
import dev.sparkptq.step.ModelState;
import dev.sparkptq.step.QuantizedEdits;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Everything needed to rebuild any candidate of an accuracy-aware search from scratch: the prepared FP32 model, the
 * base plan, every quantizer's parameters and range, and the corrected biases. A candidate is a sub-plan of the base
 * plan (some points reverted) plus the points re-quantized to INT16; building it never edits an edited model, so the
 * same inputs give the same bytes on the driver and on any executor.
 */
public final class CandidateRecipe implements Serializable {
    private static final long serialVersionUID = 1L;

    private final ModelBlob fp32;
    private final QuantizationPlan plan;
    private final Map<String, QuantParams> params;
    private final Map<String, double[][]> ranges;
    private final QuantizationParams quantization;
    private final String configSha;
    private final String fp32Sha;
    private final Map<String, Tensor> biases;
    private final Map<String, String> biasNodes;
    /**
     * Weights layer-wise tuning changed, by initializer name: their values before tuning. A candidate that reverts
     * such a weight's layer to float, or re-quantizes it to INT16, starts from these rather than the tuned INT8 grid
     * values {@code q·s}.
     */
    private final Map<String, Tensor> untunedWeights;
    private transient OnnxMl.ModelProto prepared;
    /**
     * Edits the base applied after its Q/DQ rewrite ({@link QuantizedEdits}), repeated on every rebuilt model. Not
     * shipped: accuracy-aware searches, whose candidates executors build, run without them (kernel choice is off).
     */
    private final transient List<GraphEdit> quantizedEdits;

    /**
     * The recipe of {@code base}, a finished base quantization: its model to quantize (the model the Q/DQ edits went
     * into, after layer-wise tuning if any), its float model (before tuning), plan, parameters and corrections.
     */
    CandidateRecipe(ModelState base, QuantizationParams quantization, String configSha, String fp32Sha) {
        OnnxMl.ModelProto prepared = base.toQuantize();
        byte[] bytes = ModelIo.toBytes(prepared);
        this.fp32 = ModelBlob.ofBytes(ModelIo.sha256(bytes), bytes);
        this.plan = base.plan();
        this.params = new TreeMap<>(base.parameters().params());
        this.ranges = new TreeMap<>();
        base.parameters().ranges().forEach((id, r) -> ranges.put(id, new double[][]{r.min(), r.max()}));
        this.quantization = quantization;
        this.configSha = configSha;
        this.fp32Sha = fp32Sha;
        this.biases = new TreeMap<>();
        this.biasNodes = new TreeMap<>();
        for (ModelState.Correction c : base.corrections()) {
            biases.put(c.initializer(), c.value());
            biasNodes.put(c.initializer(), c.node());
        }
        this.untunedWeights = changedWeights(plan, base.model(), prepared);
        this.prepared = prepared;
        this.quantizedEdits = base.section(QuantizedEdits.class).map(QuantizedEdits::edits).orElse(List.of());
    }

    /** The weight initializers of {@code plan}'s weight points whose values differ between the two models. */
    private static Map<String, Tensor> changedWeights(QuantizationPlan plan, OnnxMl.ModelProto before,
                                              OnnxMl.ModelProto after) {
        if (before == after) {
            return Map.of();
        }
        Map<String, OnnxMl.TensorProto> was = new HashMap<>();
        before.getGraph().getInitializerList().forEach(t -> was.put(t.getName(), t));
        Set<String> weights = new java.util.HashSet<>();
        plan.points().stream().filter(p -> p.kind() == PointKind.WEIGHT).forEach(p -> weights.add(p.tensor()));
        Map<String, Tensor> out = new TreeMap<>();
        for (OnnxMl.TensorProto t : after.getGraph().getInitializerList()) {
            OnnxMl.TensorProto old = was.get(t.getName());
            if (weights.contains(t.getName()) && old != null && !old.equals(t)) {
                out.put(t.getName(), TensorProtos.toTensor(old));
            }
        }
        return out;
    }

    /** The prepared FP32 model, as executors receive it (its digest keys their session cache). */
    public ModelBlob fp32() {
        return fp32;
    }

    /** The base algorithm's plan: the first candidate, nothing reverted. */
    public QuantizationPlan plan() {
        return plan;
    }

    /** The base quantization's digest; a candidate's digest is this plus what it reverts. */
    public String digest() {
        return fp32.digest() + ":" + configSha;
    }

    /**
     * The model of {@code candidate} (a sub-plan of {@link #plan()}) with the points in {@code int16} quantized to 16
     * bits from their base ranges. Biases corrected for a node whose weight is no longer quantized keep their FP32
     * value (a node the speed guard returns to float may keep the quantizer on its input, which its integer producer
     * still needs, but the correction was for its quantized weight).
     */
    public OnnxMl.ModelProto build(QuantizationPlan candidate, Set<String> int16) {
        Map<String, Tensor> restore = new TreeMap<>(untunedWeights);
        candidate.points().stream().filter(p -> p.kind() == PointKind.WEIGHT && !int16.contains(p.id()))
                .forEach(p -> restore.remove(p.tensor())); // INT8 weights keep their tuned levels
        List<GraphEdit> edits = new ArrayList<>();
        for (QuantizationPoint p : candidate.points()) {
            QuantParams q = int16.contains(p.id()) ? int16Params(p) : params.get(p.id());
            edits.add(new InsertQdq(p.tensor(), p.consumers(), q, QdqEdits.role(p, quantization.weightStorage())));
        }
        edits.addAll(Provenance.metadata(configSha, fp32Sha, quantization));
        OnnxMl.ModelProto model = GraphRewriter.apply(InitializerValues.replace(prepared(), restore),
                OrtQdqLayout.of(edits));
        Map<String, Tensor> kept = new HashMap<>();
        Set<String> weighted = new java.util.HashSet<>(); // a node returned to float keeps only its input quantizer
        candidate.weights().forEach(p -> weighted.addAll(p.consumerNodes()));
        biases.forEach((name, value) -> {
            String node = biasNodes.get(name);
            if (node == null || weighted.contains(node)) {
                kept.put(name, value);
            }
        });
        OnnxMl.ModelProto out = InitializerValues.replace(model, kept);
        return quantizedEdits == null || quantizedEdits.isEmpty() ? out : GraphRewriter.apply(out, quantizedEdits);
    }

    private QuantParams int16Params(QuantizationPoint p) {
        double[][] r = ranges.get(p.id());
        TensorQuantSpec s = p.spec();
        TensorQuantSpec wide = new TensorQuantSpec(16, s.mode(), s.granularity(), null, null, s.rangeEstimator());
        Range range = new Range(r[0], r[1]);
        return p.kind() == PointKind.WEIGHT ? QuantParamsCalculator.weight(range, wide, p.channelAxis())
                : QuantParamsCalculator.activation(range, wide, p.channelAxis());
    }

    private synchronized OnnxMl.ModelProto prepared() {
        if (prepared == null) {
            try {
                prepared = OnnxMl.ModelProto.parseFrom(fp32.bytes());
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new InternalException("the broadcast FP32 model does not parse: " + e.getMessage(), e);
            }
        }
        return prepared;
    }
}
