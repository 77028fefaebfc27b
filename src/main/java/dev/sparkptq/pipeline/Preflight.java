package dev.sparkptq.pipeline;

import dev.sparkptq.core.BadSampleException;
import dev.sparkptq.core.ModelException;
import dev.sparkptq.core.QuantizationException;
import dev.sparkptq.data.DataSource;
import dev.sparkptq.data.Sample;
import dev.sparkptq.data.SampleRef;
import dev.sparkptq.runtime.EngineFactory;
import dev.sparkptq.runtime.EngineOptions;
import dev.sparkptq.runtime.InferenceEngine;
import dev.sparkptq.runtime.ModelBlob;

import ai.onnx.proto.OnnxMl;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fails on the driver, before the Spark job, when ONNX Runtime cannot load or run a model the executors are about to
 * run: the FP32 model as prepared, the statistics model (the FP32 model with its statistics outputs and in-graph
 * reductions), the quantized model an evaluation runs. Each is opened with the options its executors use and run on
 * one sample, so a model ORT rejects (an FP16 graph whose exposed tensors were declared float, an op ORT lacks, a
 * shape error at run time) is exit 3 in one line naming the model and ORT's reason — not a task failure with a stack
 * trace after Spark started. In local mode the driver is the executor, so the session it opens is the one the tasks
 * reuse from the per-JVM cache: the check costs one inference per model.
 *
 * <p>A model is checked once per run (by digest and options). The probe sample is the first sample of the pass; a
 * damaged first file fails the run here (exit 4), or is passed over with {@code engine.skip_bad_samples}.
 */
public final class Preflight {
    /** Samples tried when the first ones are undecodable files. */
    private static final int PROBE_ATTEMPTS = 8;

    private final EngineFactory engines;
    private final Set<String> checked = ConcurrentHashMap.newKeySet();
    /** engine.skip_bad_samples: an undecodable probe sample is passed over instead of failing the run. */
    private volatile boolean skipBadSamples;
    /** The last probe: the models of one run share it (a Dataset row costs a small Spark job to fetch). */
    private Probe last;

    private record Probe(DataSource source, SampleRef first, Sample sample) {
    }

    Preflight(EngineFactory engines) {
        this.engines = engines;
    }

    void skipBadSamples(boolean skip) {
        this.skipBadSamples = skip;
    }

    /**
     * Checks {@code model} on the first sample of {@code refs} — the prepared FP32 model before anything else runs,
     * the quantized model an accuracy-aware search starts from.
     *
     * @param what       the model as the user should read it: "the FP32 model", "the quantized model"
     * @param stagingDir where a model too large for bytes is staged (in the run's work folder)
     */
    public static void model(StatisticsBackend backend, String what, OnnxMl.ModelProto model, DataSource source,
                             List<SampleRef> refs, Path stagingDir) {
        if (refs.isEmpty()) {
            return; // the data source reports an empty selection itself
        }
        ModelBlob blob = Blobs.of(model, stagingDir.resolve("preflight"));
        Preflight preflight = IntakeBackend.preflight(backend);
        preflight.check(what, blob, EngineOptions.forInference(1), source, refs);
        // no job runs this exact model (a pass runs it with tensors exposed): its session would only hold memory, as
        // much again as the model's weights
        preflight.engines.evict(blob.digest());
    }

    /**
     * Runs {@code blob} with {@code options} on the first loadable sample of {@code refs}, once per digest and
     * options.
     *
     * @param what the model as the user should read it, e.g. "the statistics model"
     * @throws ModelException when ONNX Runtime cannot load or run it
     */
    void check(String what, ModelBlob blob, EngineOptions options, DataSource source, List<SampleRef> refs) {
        if (refs.isEmpty() || checked.contains(blob.digest() + "|" + options)) {
            return;
        }
        Sample sample = probe(source, refs);
        if (sample == null) {
            return; // every sample tried is undecodable: the pass's screening says so
        }
        checked.add(blob.digest() + "|" + options);
        try {
            InferenceEngine engine = engines.open(blob, options);
            engine.run(sample.inputs(), engine.outputs().stream().map(t -> t.name()).toList());
        } catch (RuntimeException e) {
            checked.remove(blob.digest() + "|" + options);
            throw new ModelException(what + " does not run in ONNX Runtime on sample '" + sample.id() + "': "
                    + reason(e) + "; checked on the driver before any Spark job" + fix(what), e);
        }
    }

    /**
     * The sample to run: the first of {@code refs}. An undecodable first file fails the run here, before any job
     * (exit 4 naming it) — unless bad samples are skipped, when the next one is tried (null when none of the first
     * few decodes). Any other data error is the user's to see at once.
     */
    private synchronized Sample probe(DataSource source, List<SampleRef> refs) {
        if (last != null && last.source() == source && last.first().equals(refs.get(0))) {
            return last.sample();
        }
        for (int i = 0; i < Math.min(PROBE_ATTEMPTS, refs.size()); i++) {
            try {
                Sample s = source.load(refs.get(i));
                last = new Probe(source, refs.get(0), s);
                return s;
            } catch (BadSampleException e) {
                if (!skipBadSamples) {
                    throw e;
                }
            }
        }
        return null;
    }

    private static String reason(RuntimeException e) {
        String message = e instanceof QuantizationException ? e.getMessage()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message.strip().replaceAll("\\s+", " ");
    }

    private static String fix(String what) {
        return what.equals("the FP32 model")
                ? " (the model must run in ONNX Runtime as given; check it with onnxruntime.InferenceSession)"
                : " (spark-ptq built this model from yours; run with --verbose and report it)";
    }
}
