package dev.sparkptq.cli;

import dev.sparkptq.accuracy.CosineToFp32;
import dev.sparkptq.accuracy.EvalSample;
import dev.sparkptq.accuracy.EvaluationAccumulator;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Several models (say FP32, our INT8, another tool's INT8) evaluated on the config's evaluation data with the
 * config's metrics in one run, in one JVM, one ONNX Runtime thread each: every sample is loaded once and run
 * through every model, each model's outputs are scored against the FIRST model's (the FP32 reference of metrics
 * such as {@code cosine_to_fp32}), and the mean cosine of each model's first output to the first model's is added.
 * Then the first {@code latencySamples} samples are timed interleaved, as {@code benchmark inference} does.
 * Samples stream through (only the timed ones are kept), so large evaluation sets fit.
 */
final class EvaluateBenchmark {
    /** The added metric: mean cosine of each model's first output to the first model's. */
    static final String COSINE_TO_FIRST = "cosine_to_first";

    private EvaluateBenchmark() {
    }

    /**
     * @param metrics     per model, metric name → value (the config's metrics, then {@link #COSINE_TO_FIRST})
     * @param msPerSample per model, median interleaved latency (one sample = one model call, e.g. a sentence pair)
     */
    record Result(Path dataSource, List<Path> models, List<Map<String, Double>> metrics, List<Double> msPerSample,
                  long samples, int latencySamples, int threads, int rounds) {
    }

    static Result run(PtqConfig config, List<Path> models, Integer maxSamples, int latencySamples, int threads,
                      int rounds) {
        Path source = config.engine().evalDataSource() != null ? config.engine().evalDataSource()
                : config.engine().dataSource();
        OrtEngineFactory factory = new OrtEngineFactory();
        List<InferenceEngine> engines = new ArrayList<>();
        for (Path m : models) {
            engines.add(new OwnInputs(factory.open(InferenceBenchmark.blob(m), EngineOptions.forInference(threads))));
        }
        InferenceEngine first = engines.get(0);
        List<String> outputs = first.outputs().stream().map(TensorInfo::name).toList();
        for (int m = 1; m < engines.size(); m++) {
            checkOutputs(models.get(m), engines.get(m), outputs);
        }
        List<Metric> metrics = new ArrayList<>();
        for (MetricSpec spec : config.engine().metrics()) {
            metrics.add(Metrics.create(spec, first.outputs()));
        }
        DataSource data = DataSources.create(config.engine().reader(), source, first.inputs());
        List<EvaluationAccumulator> configured = new ArrayList<>();
        List<EvaluationAccumulator> toFirst = new ArrayList<>();
        Metric cosine = cosineToFirst(first);
        for (int m = 0; m < engines.size(); m++) {
            configured.add(EvaluationAccumulator.of(metrics));
            toFirst.add(EvaluationAccumulator.of(List.of(cosine)));
        }
        List<Map<String, Tensor>> timed = new ArrayList<>();
        List<SampleRef> refs = data.list();
        refs = maxSamples == null ? refs : refs.subList(0, Math.min(maxSamples, refs.size()));
        for (SampleRef ref : refs) {
            Sample s = data.load(ref);
            Map<String, Tensor> reference = null;
            for (int m = 0; m < engines.size(); m++) {
                Map<String, Tensor> out = engines.get(m).run(s.inputs(), outputs);
                reference = m == 0 ? out : reference;
                EvalSample e = new EvalSample(s.id(), out, reference, s.inputs(), s.label(), s.target(), null);
                configured.get(m).add(e);
                toFirst.get(m).add(e);
            }
            if (timed.size() < latencySamples) {
                timed.add(s.inputs());
            }
        }
        List<Double> ms = LatencyComparison.compare(engines, timed, 3, rounds);
        List<Map<String, Double>> values = new ArrayList<>();
        for (int m = 0; m < engines.size(); m++) {
            Map<String, Double> v = new java.util.LinkedHashMap<>(configured.get(m).values().values());
            v.put(COSINE_TO_FIRST, toFirst.get(m).values().get(COSINE_TO_FIRST));
            values.add(v);
        }
        return new Result(source, models, values, ms, refs.size(), timed.size(), threads, rounds);
    }

    /**
     * Feeds a model only the inputs it declares, so that models of one family with different input lists (e.g. one
     * without {@code token_type_ids}) run on the same samples; the filtering is a few map operations per call.
     */
    private record OwnInputs(InferenceEngine engine) implements InferenceEngine {
        @Override
        public List<TensorInfo> inputs() {
            return engine.inputs();
        }

        @Override
        public List<TensorInfo> outputs() {
            return engine.outputs();
        }

        @Override
        public Map<String, Tensor> run(Map<String, Tensor> inputs, List<String> outputNames) {
            Map<String, Tensor> feeds = new HashMap<>();
            for (TensorInfo in : engine.inputs()) {
                Tensor t = inputs.get(in.name());
                if (t != null) {
                    feeds.put(in.name(), t);
                }
            }
            return engine.run(feeds, outputNames);
        }

        @Override
        public void close() {
            engine.close();
        }
    }

    /** Mean-pooled (attention mask) for [batch, seq, hidden] outputs of text models, flattened otherwise. */
    private static Metric cosineToFirst(InferenceEngine first) {
        TensorInfo out = first.outputs().get(0);
        boolean text = first.inputs().stream().anyMatch(i -> i.name().equals(CosineToFp32.ATTENTION_MASK));
        boolean sequence = out.shape() != null && out.shape().length == 3;
        return new CosineToFp32(COSINE_TO_FIRST, out.name(), text && sequence ? Pooling.MEAN : Pooling.NONE);
    }

    private static void checkOutputs(Path model, InferenceEngine engine, List<String> wanted) {
        List<String> has = engine.outputs().stream().map(TensorInfo::name).toList();
        if (!has.containsAll(wanted)) {
            throw new ConfigException("model " + model + " has outputs " + has + " but the first model has "
                    + wanted + "; benchmark evaluate compares models with the same outputs");
        }
    }
}
