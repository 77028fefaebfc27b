package dev.sparkptq.step;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.plan.QuantizationPlan;
import dev.sparkptq.plan.QuantizerParameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The immutable state steps pass along: what the run quantizes and how far it has got. Every {@code with…} returns a
 * new state sharing the unchanged parts; a step that has nothing to do returns the state it was given.
 *
 * <ul>
 *   <li>{@link #reference()}: the FP32 model as loaded and prepared, which evaluation compares against; only a
 *       preparation step that repairs the model changes it ({@link #withReference}).</li>
 *   <li>{@link #model()} ({@link #graph()}): the float model, which steps may rewrite in FP32-exact ways (SmoothQuant,
 *       channel alignment); statistics are collected on it.</li>
 *   <li>{@link #toQuantize()}: the float model the Q/DQ edits go into — {@code model()} with weights tuned for
 *       quantization (layer-wise tuning), or {@code model()} itself. Tuning does not change the float model, so the
 *       statistics collected on it stay valid.</li>
 *   <li>{@link #plan()} and {@link #parameters()}: which tensors are quantized, and with which scales.</li>
 *   <li>{@link #quantized()}: the Q/DQ model, and {@link #corrections()}: values it uses for initializers of
 *       quantized nodes (corrected biases), which a model that reverts such a node to float does not take.</li>
 *   <li>{@link #section}: report sections by type (e.g. {@code RunReport.BiasCorrectionSummary}), and
 *       {@link #warnings()} for report.json.</li>
 * </ul>
 */
public final class ModelState {
    private final OnnxMl.ModelProto reference;
    private final OnnxMl.ModelProto model;
    private final Memo<ModelGraph> graph;
    private final OnnxMl.ModelProto toQuantize;
    private final Memo<ModelGraph> toQuantizeGraph;
    private final QuantizationPlan plan;
    private final QuantizerParameters parameters;
    private final OnnxMl.ModelProto quantized;
    private final List<Correction> corrections;
    private final Map<Class<?>, Object> sections;
    private final List<String> warnings;

    /**
     * A value the quantized model uses for an initializer of a quantized node, e.g. a corrected bias.
     *
     * @param node        the quantized node it belongs to; a model that leaves this node in float keeps the original
     * @param initializer the initializer's name
     * @param value       its value in the quantized model
     */
    public record Correction(String node, String initializer, Tensor value) {
    }

    private ModelState(OnnxMl.ModelProto reference, OnnxMl.ModelProto model, Memo<ModelGraph> graph,
                       OnnxMl.ModelProto toQuantize, Memo<ModelGraph> toQuantizeGraph, QuantizationPlan plan,
                       QuantizerParameters parameters, OnnxMl.ModelProto quantized, List<Correction> corrections,
                       Map<Class<?>, Object> sections, List<String> warnings) {
        this.reference = reference;
        this.model = model;
        this.graph = graph;
        this.toQuantize = toQuantize;
        this.toQuantizeGraph = toQuantizeGraph;
        this.plan = plan;
        this.parameters = parameters;
        this.quantized = quantized;
        this.corrections = corrections;
        this.sections = sections;
        this.warnings = warnings;
    }

    /** The state before any step: {@code model} is both the reference and the float model. */
    public static ModelState of(OnnxMl.ModelProto model) {
        Objects.requireNonNull(model, "model");
        Memo<ModelGraph> graph = new Memo<>(() -> ModelGraph.of(model));
        return new ModelState(model, model, graph, model, graph, null, null, null, List.of(), Map.of(), List.of());
    }

    public OnnxMl.ModelProto reference() {
        return reference;
    }

    public OnnxMl.ModelProto model() {
        return model;
    }

    /** The graph view of {@link #model()} (built once per model). */
    public ModelGraph graph() {
        return graph.get();
    }

    public OnnxMl.ModelProto toQuantize() {
        return toQuantize;
    }

    /** The graph view of {@link #toQuantize()}. */
    public ModelGraph toQuantizeGraph() {
        return toQuantizeGraph.get();
    }

    public boolean hasPlan() {
        return plan != null;
    }

    public QuantizationPlan plan() {
        return require(plan, "plan");
    }

    public boolean hasParameters() {
        return parameters != null;
    }

    public QuantizerParameters parameters() {
        return require(parameters, "quantizer parameters");
    }

    public boolean isQuantized() {
        return quantized != null;
    }

    public OnnxMl.ModelProto quantized() {
        return require(quantized, "quantized model");
    }

    public List<Correction> corrections() {
        return corrections;
    }

    /** The report section of type {@code type}, when a step wrote one (or the run seeded it). */
    public <T> Optional<T> section(Class<T> type) {
        return Optional.ofNullable(type.cast(sections.get(type)));
    }

    public List<String> warnings() {
        return warnings;
    }

    /**
     * The float model rewritten (a step that calls this must say so in {@link Step#rewritesModel()}); the model to
     * quantize becomes the same model.
     */
    public ModelState withModel(OnnxMl.ModelProto rewritten) {
        Memo<ModelGraph> g = new Memo<>(() -> ModelGraph.of(rewritten));
        return new ModelState(reference, rewritten, g, rewritten, g, plan, parameters, quantized, corrections,
                sections, warnings);
    }

    /**
     * The reference and the float model both replaced: for a preparation step whose rewrite is part of what the FP32
     * model means (e.g. a repair without which the runtime cannot run it), so that evaluation compares against the
     * prepared model. A step that calls this rewrites the model ({@link Step#rewritesModel()}).
     */
    public ModelState withReference(OnnxMl.ModelProto prepared) {
        Memo<ModelGraph> g = new Memo<>(() -> ModelGraph.of(prepared));
        return new ModelState(prepared, prepared, g, prepared, g, plan, parameters, quantized, corrections,
                sections, warnings);
    }

    /** The model the Q/DQ edits go into, e.g. with tuned weights; the float model is unchanged. */
    public ModelState withToQuantize(OnnxMl.ModelProto tuned) {
        return new ModelState(reference, model, graph, tuned, new Memo<>(() -> ModelGraph.of(tuned)), plan,
                parameters, quantized, corrections, sections, warnings);
    }

    public ModelState withPlan(QuantizationPlan p) {
        return new ModelState(reference, model, graph, toQuantize, toQuantizeGraph, Objects.requireNonNull(p),
                parameters, quantized, corrections, sections, warnings);
    }

    public ModelState withParameters(QuantizerParameters p) {
        return new ModelState(reference, model, graph, toQuantize, toQuantizeGraph, plan, Objects.requireNonNull(p),
                quantized, corrections, sections, warnings);
    }

    public ModelState withQuantized(OnnxMl.ModelProto q) {
        return new ModelState(reference, model, graph, toQuantize, toQuantizeGraph, plan, parameters,
                Objects.requireNonNull(q), corrections, sections, warnings);
    }

    /** The quantized model {@code q} with {@code added} among the corrections it carries. */
    public ModelState withQuantized(OnnxMl.ModelProto q, List<Correction> added) {
        List<Correction> all = new ArrayList<>(corrections);
        all.addAll(added);
        return new ModelState(reference, model, graph, toQuantize, toQuantizeGraph, plan, parameters,
                Objects.requireNonNull(q), List.copyOf(all), sections, warnings);
    }

    /** This state with {@code section} as its report section of {@code section}'s type (replacing an earlier one). */
    public ModelState withSection(Object section) {
        Map<Class<?>, Object> s = new LinkedHashMap<>(sections);
        s.put(section.getClass(), section);
        return new ModelState(reference, model, graph, toQuantize, toQuantizeGraph, plan, parameters, quantized,
                corrections, java.util.Collections.unmodifiableMap(s), warnings);
    }

    public ModelState withWarning(String warning) {
        List<String> w = new ArrayList<>(warnings);
        w.add(Objects.requireNonNull(warning));
        return new ModelState(reference, model, graph, toQuantize, toQuantizeGraph, plan, parameters, quantized,
                corrections, sections, List.copyOf(w));
    }

    private static <T> T require(T value, String what) {
        if (value == null) {
            throw new InternalException("the model state has no " + what + " yet: a step that needs it runs before "
                    + "the step that makes it; check the order of the registry's steps");
        }
        return value;
    }

    /** A value computed on first use and kept (graph views are costly to build and the same for a model). */
    private static final class Memo<T> implements Supplier<T> {
        private final Supplier<T> make;
        private T value;

        Memo(Supplier<T> make) {
            this.make = make;
        }

        @Override
        public synchronized T get() {
            if (value == null) {
                value = make.get();
            }
            return value;
        }
    }
}
