package dev.sparkptq.pipeline;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.TensorInfo;
import dev.sparkptq.data.DataSource;
import dev.sparkptq.data.SampleRef;
import dev.sparkptq.data.Subsets;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.Node;
import dev.sparkptq.graph.edit.GraphEdit;
import dev.sparkptq.graph.edit.GraphRewriter;
import dev.sparkptq.graph.edit.InputRef;
import dev.sparkptq.plan.QuantizationPlan;
import dev.sparkptq.plan.QuantizationPoint;
import dev.sparkptq.plan.QuantizerParameters;
import dev.sparkptq.report.RunReport;
import dev.sparkptq.runtime.ModelBlob;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Per-layer quantization error (POT's QuantNoiseEstimator, ORT's qdq_loss_debug): the SQNR
 * {@code 10·log10(Σx² / Σ(x−x̂)²)} in dB of every quantized activation (FP32 tensor vs the dequantized value its
 * consumers read in the quantized model), of every output of a quantized op (FP32 vs quantized model, same name: the
 * error accumulated up to that op), and of every weight (FP32 vs dequantized, computed on the driver). Activations
 * and op outputs are measured by one distributed pass over the first {@code engine.sqnr_samples} evaluation
 * samples (default {@link dev.sparkptq.config.EngineSection#DEFAULT_SQNR_SAMPLES}), partitioned like evaluation;
 * it runs whenever {@code --evaluate} does ({@code sqnr_samples: 0} keeps only the weights).
 */
public final class QuantNoise {
    /** What a compared tensor is; its name in report.json is the lower-case constant. */
    public enum Kind { ACTIVATION, OP_OUTPUT, WEIGHT }

    /**
     * One comparison: FP32 tensor {@code reference} against quantized-model tensor {@code candidate}.
     *
     * @param tensor the FP32 tensor name users know
     */
    public record Target(String tensor, Kind kind, String reference, String candidate) implements Serializable {
        /** Unique accumulator key: one tensor can be both an op output and a quantized activation. */
        public String key() {
            return kind.name().toLowerCase() + ":" + tensor;
        }
    }

    /** Totals of one tensor over the samples. */
    public record Result(double signal, double noise, long samples, long nonFinite) {
        public double sqnrDb() {
            return QuantNoise.sqnrDb(signal, noise);
        }
    }

    private final StatisticsBackend backend;
    private final Consumer<String> log;

    public QuantNoise(StatisticsBackend backend, Consumer<String> log) {
        this.backend = backend;
        this.log = log;
    }

    /** {@code 10·log10(signal / noise)}; +∞ without noise, −∞ for noise on a zero signal, NaN for 0/0. */
    public static double sqnrDb(double signal, double noise) {
        if (noise == 0) {
            return signal == 0 ? Double.NaN : Double.POSITIVE_INFINITY;
        }
        return 10 * Math.log10(signal / noise);
    }

    /** Every error of the run, worst first (see {@link #summaries}). */
    List<RunReport.QuantErrorSummary> measure(PtqConfig config, ModelGraph graph, OnnxMl.ModelProto quantized,
                                              QuantizationPlan plan, QuantizerParameters qparams,
                                              RunOptions options) {
        int maxSamples = config.engine().sqnrSamples();
        List<Target> targets = targets(plan, graph, quantized);
        Map<String, Result> results = new LinkedHashMap<>();
        DataSource source = maxSamples == 0 || targets.isEmpty() ? null
                : source(config, graph, backend.sources(config.engine().numPartitions()));
        List<SampleRef> refs = source == null ? List.of() : samples(source, config, maxSamples);
        if (!refs.isEmpty()) {
            QuantNoiseJob job = job(source, graph, quantized, targets, options);
            int partitions = Math.max(1, Math.min(config.engine().numPartitions(), refs.size()));
            log.accept("measuring the quantization error of " + targets.size() + " tensors on " + refs.size()
                    + " samples");
            results.putAll(backend.quantNoise(job, refs, partitions).results());
        }
        Map<String, Target> byKey = new LinkedHashMap<>();
        targets.forEach(t -> byKey.put(t.key(), t));
        for (Map.Entry<String, Result> w : WeightQuantNoise.measure(plan, graph, qparams).entrySet()) {
            Target t = new Target(w.getKey(), Kind.WEIGHT, w.getKey(), w.getKey());
            byKey.put(t.key(), t);
            results.put(t.key(), w.getValue());
        }
        return summaries(byKey, results);
    }

    /**
     * The compared tensors: each activation point once (FP32 tensor vs the DequantizeLinear output its first
     * consumer reads), then each float output of a quantized op, in plan and node order.
     */
    static List<Target> targets(QuantizationPlan plan, ModelGraph fp32, OnnxMl.ModelProto quantized) {
        ModelGraph q = ModelGraph.of(quantized);
        Map<String, Target> targets = new LinkedHashMap<>();
        for (QuantizationPoint p : plan.activations()) {
            InputRef first = p.consumers().get(0);
            Optional<Node> consumer = q.node(first.node());
            if (consumer.isEmpty() || targets.containsKey("activation:" + p.tensor())) {
                continue;
            }
            String candidate = consumer.get().inputs().get(first.inputIndex());
            Target t = new Target(p.tensor(), Kind.ACTIVATION, p.tensor(), candidate);
            targets.put(t.key(), t);
        }
        for (String name : plan.quantizedNodes()) {
            for (String out : fp32.node(name).map(Node::outputs).orElse(List.of())) {
                boolean isFloat = fp32.info(out).map(TensorInfo::dtype).map(d -> d == DType.FLOAT).orElse(true);
                if (!out.isEmpty() && isFloat && q.producer(out) != null) {
                    Target t = new Target(out, Kind.OP_OUTPUT, out, out);
                    targets.putIfAbsent(t.key(), t);
                }
            }
        }
        return new ArrayList<>(targets.values());
    }

    /** The first {@code max} samples of the evaluation subset (the evaluation data source, else calibration's). */
    static List<SampleRef> samples(DataSource source, PtqConfig config, int max) {
        if (max <= 0) {
            return List.of();
        }
        List<SampleRef> refs = source.list();
        if (config.engine().evalSubsetSize() != null) {
            refs = Subsets.select(refs, config.engine().evalSubsetSize(), false, 0L);
        }
        return refs.subList(0, Math.min(max, refs.size()));
    }

    private static DataSource source(PtqConfig config, ModelGraph graph, dev.sparkptq.data.SourceFactory sources) {
        return sources.create(config.engine().evaluationReader(), config.engine().evaluationData(), graph.inputs());
    }

    private static QuantNoiseJob job(DataSource source, ModelGraph graph, OnnxMl.ModelProto quantized,
                                     List<Target> targets, RunOptions options) {
        Set<String> inputs = graph.inputs().stream().map(TensorInfo::name).collect(Collectors.toSet());
        List<GraphEdit> refEdits = new ArrayList<>();
        targets.stream().map(Target::reference).filter(t -> !inputs.contains(t)).distinct()
                .forEach(t -> refEdits.add(new GraphEdit.AddOutput(t)));
        List<GraphEdit> candEdits = new ArrayList<>();
        targets.stream().map(Target::candidate).distinct().forEach(t -> candEdits.add(new GraphEdit.AddOutput(t)));
        ModelBlob fp32 = Blobs.of(GraphRewriter.apply(graph.proto(), refEdits),
                options.workDir().resolve("noise-fp32"));
        ModelBlob q = Blobs.of(GraphRewriter.apply(quantized, candEdits), options.workDir().resolve("noise-q"));
        List<String> graphInputs = targets.stream().map(Target::reference).filter(inputs::contains).distinct()
                .toList();
        return new QuantNoiseJob(fp32, q, targets, graphInputs, source, options.threadsPerTask());
    }

    /**
     * Report rows, worst (lowest SQNR) first; a tensor the quantized model reproduces exactly has a null SQNR and
     * comes last. Ties are broken by kind and name, so the order is deterministic.
     */
    static List<RunReport.QuantErrorSummary> summaries(Map<String, Target> targets, Map<String, Result> results) {
        List<RunReport.QuantErrorSummary> rows = new ArrayList<>();
        for (Map.Entry<String, Result> e : results.entrySet()) {
            Target t = targets.get(e.getKey());
            double db = e.getValue().sqnrDb();
            rows.add(new RunReport.QuantErrorSummary(t.tensor(), t.kind().name().toLowerCase(),
                    Double.isFinite(db) ? db : null, e.getValue().samples()));
        }
        rows.sort(Comparator.comparing((RunReport.QuantErrorSummary r) -> r.sqnrDb() == null
                        ? Double.POSITIVE_INFINITY : r.sqnrDb())
                .thenComparing(RunReport.QuantErrorSummary::kind).thenComparing(RunReport.QuantErrorSummary::tensor));
        return rows;
    }
}
