package dev.sparkptq.pipeline;

import dev.sparkptq.data.SampleRef;
import dev.sparkptq.runtime.EngineFactory;
import dev.sparkptq.runtime.EngineOptions;
import dev.sparkptq.stats.HistogramSet;
import dev.sparkptq.stats.StatisticsSet;

import java.io.Serializable;
import java.util.List;

/**
 * A backend that runs {@link Preflight} on every model of a pass before handing the pass to the real backend: the
 * statistics model before a statistics or histogram pass, the FP32 and quantized models before an evaluation or a
 * quantization-noise pass. Indexed jobs (accuracy-aware experiments, layer-wise tuning) build their models on the
 * executors and pass through; their callers check the model they start from.
 */
final class PreflightBackend implements StatisticsBackend {
    private final StatisticsBackend delegate;
    private final Preflight preflight;

    private PreflightBackend(StatisticsBackend delegate) {
        this.delegate = delegate;
        this.preflight = new Preflight(delegate.engines());
    }

    /** {@code backend} with preflight checks (itself when it already has them). */
    static StatisticsBackend guard(StatisticsBackend backend) {
        return backend instanceof PreflightBackend ? backend : new PreflightBackend(backend);
    }

    @Override
    public StatisticsSet collect(StatisticsJob job, List<SampleRef> refs, int partitions) {
        if (!job.outputs().isEmpty()) { // else every measured tensor is a graph input and no model runs
            preflight.check("the statistics model", job.model(), EngineOptions.forStatistics(job.threads()),
                    job.source(), refs);
        }
        return delegate.collect(job, refs, partitions);
    }

    @Override
    public HistogramSet histograms(StatisticsJob job, List<SampleRef> refs, int partitions) {
        preflight.check("the histogram model", job.model(), EngineOptions.forStatistics(job.threads()),
                job.source(), refs);
        return delegate.histograms(job, refs, partitions);
    }

    @Override
    public EvaluationResult evaluate(EvaluationJob job, List<SampleRef> refs, int partitions) {
        EngineOptions options = EngineOptions.forInference(job.threads());
        preflight.check("the FP32 model", job.fp32(), options, job.source(), refs);
        preflight.check("the quantized model", job.candidate(), options, job.source(), refs);
        return delegate.evaluate(job, refs, partitions);
    }

    @Override
    public QuantNoiseSums quantNoise(QuantNoiseJob job, List<SampleRef> refs, int partitions) {
        EngineOptions options = EngineOptions.forInference(job.threads());
        preflight.check("the FP32 model with its compared tensors exposed", job.fp32(), options, job.source(), refs);
        preflight.check("the quantized model with its compared tensors exposed", job.quantized(), options,
                job.source(), refs);
        return delegate.quantNoise(job, refs, partitions);
    }

    @Override
    public <R extends Serializable> List<R> runIndexed(IndexedJob<R> job) {
        return delegate.runIndexed(job);
    }

    @Override
    public EngineFactory engines() {
        return delegate.engines();
    }

    @Override
    public String describe() {
        return delegate.describe();
    }
}
