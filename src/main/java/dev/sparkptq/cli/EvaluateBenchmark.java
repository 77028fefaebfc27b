package dev.sparkptq.cli;

import dev.sparkptq.accuracy.CosineToFp32;
import dev.sparkptq.accuracy.EvalSample;
import dev.sparkptq.accuracy.EvaluationAccumulator;
import dev.sparkptq.accuracy.FidelityAccumulator;
import dev.sparkptq.accuracy.Metric;
import dev.sparkptq.accuracy.Metrics;
import dev.sparkptq.config.MetricSpec;
import dev.sparkptq.config.MetricSpec.Pooling;
import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.core.TensorInfo;
import dev.sparkptq.data.DataSource;
import dev.sparkptq.data.DataSources;
import dev.sparkptq.data.Sample;
import dev.sparkptq.data.SampleRef;
import dev.sparkptq.runtime.EngineOptions;
import dev.sparkptq.runtime.InferenceEngine;
import dev.sparkptq.runtime.LatencyComparison;
import dev.sparkptq.runtime.ort.OrtEngineFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Several models (say FP32, our INT8, another tool's INT8) evaluated on the config's evaluation data with the
 * config's metrics in one run, in one JVM, one ONNX Runtime thread each: every sample is loaded once and run
 * through every model, each model's outputs are scored against the FIRST model's (the FP32 reference of metrics
 * such as {@code cosine_to_fp32}), and the mean cosine of each model's first output to the first model's is added.
 * Every output the models share is also compared with the first model's output by output ({@link
 * FidelityAccumulator}: mean cosine, SQNR in dB, argmax agreement for score vectors), and the worst output named:
 * a detector whose scores are faithful but whose boxes are not shows up here, not in a first-output metric.
 * Then the first {@code latencySamples} samples are timed interleaved, as {@code benchmark inference} does.
 * Samples stream through (only the timed ones are kept), so large evaluation sets fit.
 */
final class EvaluateBenchmark {
    /** The added metric: mean cosine of each model's first output to the first model's. */
    static final String COSINE_TO_FIRST = "cosine_to_first";

    private EvaluateBenchmark() {
    }

    /**
     * @param metrics     per model, metric name → value (the config's metrics, then {@link #COSINE_TO_FIRST}; a
     *                    configured metric of that name is a conflict, reported as duplicate metric names)
     * @param renamed     per model, the first model's output names matched to other names (by position)
     * @param msPerSample per model, median interleaved latency (one sample = one model call, e.g. a sentence pair)
     * @param fidelity    per model, every shared output's fidelity to the first model's, in the first model's order
     */
    record Result(Path dataSource, List<Path> models, List<Map<String, Double>> metrics,
                  List<Map<String, String>> renamed, List<Double> msPerSample,
                  long samples, int latencySamples, int threads, int rounds,
                  List<List<FidelityAccumulator.OutputScore>> fidelity, LatencyRatios ratios) {
    }

    static Result run(PtqConfig config, List<Path> models, Integer maxSamples, int latencySamples, int threads,
                      int rounds) {
        Path source = config.engine().evalDataSource() != null ? config.engine().evalDataSource()
                : config.engine().dataSource();
        OrtEngineFactory factory = new OrtEngineFactory();
        InferenceEngine first = factory.open(InferenceBenchmark.blob(models.get(0)),
                EngineOptions.forInference(threads));
        List<String> read = outputsRead(config, first);
        List<AlignedEngine> engines = new ArrayList<>();
        for (Path m : models) {
            // sessions are cached per model digest: the first model's is opened once
            AlignedEngine e = AlignedEngine.align(factory.open(InferenceBenchmark.blob(m),
                    EngineOptions.forInference(threads)), first.outputs());
            checkOutputs(m, e, read, first);
            engines.add(e);
        }
        List<String> shared = sharedOutputs(engines);
        shared.stream().filter(o -> !read.contains(o)).forEach(read::add);
        List<Metric> metrics = new ArrayList<>();
        for (MetricSpec spec : config.engine().metrics()) {
            metrics.add(Metrics.create(spec, first.outputs()));
        }
        metrics.add(cosineToFirst(first));
        DataSource data = DataSources.create(config.engine().reader(), source, first.inputs());
        List<SampleRef> refs = data.list();
        refs = maxSamples == null ? refs : refs.subList(0, Math.min(maxSamples, refs.size()));
        List<Map<String, Tensor>> timed = new ArrayList<>();
        List<FidelityAccumulator> fidelity = new ArrayList<>();
        engines.forEach(e -> fidelity.add(new FidelityAccumulator(FidelityAccumulator.Fidelity.COSINE)));
        List<EvaluationAccumulator> acc = evaluate(engines, metrics, new Reads(read, shared), data, refs, timed,
                latencySamples, fidelity);
        LatencyRatios ratios = InferenceBenchmark.timed(List.copyOf(engines), timed, threads, rounds);
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < models.size(); i++) {
            ms.add(ratios.ms(i, dev.sparkptq.runtime.LatencyClock.WALL));
        }
        return new Result(source, models, acc.stream().map(a -> a.values().values()).toList(),
                engines.stream().map(AlignedEngine::renamed).toList(), ms, refs.size(), timed.size(), threads, rounds,
                fidelity.stream().map(FidelityAccumulator::scores).toList(), ratios);
    }

    /** The outputs every model run reads ({@code all}) and those compared output by output ({@code shared}). */
    private record Reads(List<String> all, List<String> shared) {
    }

    /** The first model's outputs that every model has (under the first model's names), in its order. */
    private static List<String> sharedOutputs(List<AlignedEngine> engines) {
        List<String> shared = new ArrayList<>(engines.get(0).outputs().stream().map(TensorInfo::name).toList());
        for (AlignedEngine e : engines) {
            shared.retainAll(e.outputs().stream().map(TensorInfo::name).toList());
        }
        return shared;
    }

    /**
     * Runs every sample through every model once, scoring each model's outputs against the first model's; keeps
     * the inputs of the first {@code latencySamples} samples in {@code timed}.
     */
    private static List<EvaluationAccumulator> evaluate(List<AlignedEngine> engines, List<Metric> metrics,
                                                        Reads read, DataSource data, List<SampleRef> refs,
                                                        List<Map<String, Tensor>> timed, int latencySamples,
                                                        List<FidelityAccumulator> fidelity) {
        List<EvaluationAccumulator> acc = new ArrayList<>();
        for (int m = 0; m < engines.size(); m++) {
            acc.add(EvaluationAccumulator.of(metrics));
        }
        for (SampleRef ref : refs) {
            Sample s = data.load(ref);
            Map<String, Tensor> reference = engines.get(0).run(s.inputs(), read.all());
            Map<String, Tensor> sharedReference = only(reference, read.shared());
            for (int m = 0; m < engines.size(); m++) {
                Map<String, Tensor> out = m == 0 ? reference : engines.get(m).run(s.inputs(), read.all());
                acc.get(m).add(new EvalSample(s.id(), out, reference, s.inputs(), s.label(), s.target(), null));
                fidelity.get(m).add(only(out, read.shared()), sharedReference);
            }
            if (timed.size() < latencySamples) {
                timed.add(s.inputs());
            }
        }
        return acc;
    }

    private static Map<String, Tensor> only(Map<String, Tensor> tensors, List<String> names) {
        Map<String, Tensor> out = new java.util.LinkedHashMap<>();
        names.forEach(n -> out.put(n, tensors.get(n)));
        return out;
    }

    /** Mean-pooled (attention mask) for [batch, seq, hidden] outputs of text models, flattened otherwise. */
    private static Metric cosineToFirst(InferenceEngine first) {
        TensorInfo out = first.outputs().get(0);
        boolean text = first.inputs().stream().anyMatch(i -> i.name().equals(CosineToFp32.ATTENTION_MASK));
        boolean sequence = out.shape() != null && out.shape().length == 3;
        return new CosineToFp32(COSINE_TO_FIRST, out.name(), text && sequence ? Pooling.MEAN : Pooling.NONE);
    }

    /** Every output a configured metric (or the cosine to the first model) reads must exist in every model. */
    private static List<String> outputsRead(PtqConfig config, InferenceEngine first) {
        List<String> read = new ArrayList<>(List.of(first.outputs().get(0).name()));
        for (MetricSpec spec : config.engine().metrics()) {
            if (spec.output() != null && !read.contains(spec.output())) {
                read.add(spec.output());
            }
        }
        return read;
    }

    private static void checkOutputs(Path model, AlignedEngine engine, List<String> read, InferenceEngine first) {
        List<String> has = engine.outputs().stream().map(TensorInfo::name).toList();
        if (!has.containsAll(read)) {
            throw new ConfigException("model " + model + " has no output matching " + read + " of the first model "
                    + "(outputs are matched by name, else by position; the first model has "
                    + first.outputs().stream().map(TensorInfo::name).toList() + "); compare models of one family");
        }
    }
}
