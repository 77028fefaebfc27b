package dev.sparkptq.pipeline;

import dev.sparkptq.runtime.IndexedJob;
import dev.sparkptq.config.EngineSection;
import dev.sparkptq.data.DataSource;
import dev.sparkptq.data.SampleRef;
import dev.sparkptq.runtime.EngineFactory;
import dev.sparkptq.runtime.EngineOptions;
import dev.sparkptq.stats.HistogramSet;
import dev.sparkptq.stats.StatisticsSet;

import java.io.Serializable;
import java.util.List;

/**
 * The intake checks every pass goes through before the real backend runs it (issue 12):
 * <ul>
 *   <li>{@link SampleScreen}: with {@code engine.skip_bad_samples}, undecodable sample files are found by one
 *   decoding job and left out of the pass (and of every later pass over the same source);</li>
 *   <li>{@link Preflight}: the pass's models run once on the driver on one sample — the statistics model before a
 *   statistics or histogram pass, the FP32 and quantized models before an evaluation or quantization-noise pass —
 *   so a model ONNX Runtime rejects fails with exit 3 before the job, not inside an executor.</li>
 * </ul>
 * Indexed jobs (accuracy-aware experiments, layer-wise tuning) build their models on the executors and pass through;
 * their callers check the model and samples they start from ({@link #screen}, {@link Preflight#model}).
 */
public final class IntakeBackend implements StatisticsBackend {
    private final StatisticsBackend delegate;
    private final Preflight preflight;
    private volatile SampleScreen screen = SampleScreen.off();

    private IntakeBackend(StatisticsBackend delegate) {
        this.delegate = delegate;
        this.preflight = new Preflight(delegate.engines());
    }

    /** {@code backend} with the intake checks (itself when it already has them). */
    public static StatisticsBackend guard(StatisticsBackend backend) {
        return backend instanceof IntakeBackend ? backend : new IntakeBackend(backend);
    }

    /**
     * Sets the run's sample policy ({@code engine.skip_bad_samples}); skipped files are reported in
     * {@code warnings}. No effect on a backend without intake checks.
     */
    static void configure(StatisticsBackend backend, EngineSection engine, List<String> warnings) {
        if (backend instanceof IntakeBackend intake) {
            intake.screen = new SampleScreen(engine, warnings);
            intake.preflight.skipBadSamples(engine.skipBadSamples());
        }
    }

    /** The run's preflight checks (a fresh one, failing on a damaged probe file, for a backend without them). */
    static Preflight preflight(StatisticsBackend backend) {
        return backend instanceof IntakeBackend intake ? intake.preflight : new Preflight(backend.engines());
    }

    /** The samples of {@code refs} a pass should run on (the decodable ones when skipping bad samples). */
    public static List<SampleRef> screen(StatisticsBackend backend, DataSource source, List<SampleRef> refs) {
        return backend instanceof IntakeBackend intake ? intake.screen.filter(intake.delegate, source, refs) : refs;
    }

    @Override
    public StatisticsSet collect(StatisticsJob job, List<SampleRef> refs, int partitions) {
        List<SampleRef> good = screen.filter(delegate, job.source(), refs);
        if (!job.outputs().isEmpty()) { // else every measured tensor is a graph input and no model runs
            preflight.check("the statistics model", job.model(), EngineOptions.forStatistics(job.threads()),
                    job.source(), good);
        }
        return delegate.collect(job, good, fewer(partitions, good));
    }

    @Override
    public HistogramSet histograms(StatisticsJob job, List<SampleRef> refs, int partitions) {
        List<SampleRef> good = screen.filter(delegate, job.source(), refs);
        preflight.check("the histogram model", job.model(), EngineOptions.forStatistics(job.threads()),
                job.source(), good);
        return delegate.histograms(job, good, fewer(partitions, good));
    }

    @Override
    public EvaluationResult evaluate(EvaluationJob job, List<SampleRef> refs, int partitions) {
        List<SampleRef> good = screen.filter(delegate, job.source(), refs);
        EngineOptions options = EngineOptions.forInference(job.threads());
        preflight.check("the FP32 model", job.fp32(), options, job.source(), good);
        preflight.check("the quantized model", job.candidate(), options, job.source(), good);
        return delegate.evaluate(job, good, fewer(partitions, good));
    }

    @Override
    public QuantNoiseSums quantNoise(QuantNoiseJob job, List<SampleRef> refs, int partitions) {
        List<SampleRef> good = screen.filter(delegate, job.source(), refs);
        EngineOptions options = EngineOptions.forInference(job.threads());
        preflight.check("the FP32 model with its compared tensors exposed", job.fp32(), options, job.source(), good);
        preflight.check("the quantized model with its compared tensors exposed", job.quantized(), options,
                job.source(), good);
        return delegate.quantNoise(job, good, fewer(partitions, good));
    }

    /** No more partitions than samples once bad ones were left out (a Spark partition may not be empty here). */
    private static int fewer(int partitions, List<SampleRef> good) {
        return good.isEmpty() ? partitions : Math.min(partitions, good.size());
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
    public dev.sparkptq.data.SourceFactory sources(int partitions) {
        return delegate.sources(partitions); // remote folders and tables are read by the delegate's executors
    }

    @Override
    public String describe() {
        return delegate.describe();
    }
}
