package dev.sparkptq.aaq;

import dev.sparkptq.accuracy.OutputDistance;
import ai.onnx.proto.OnnxMl;
import dev.sparkptq.accuracy.EvalSample;
import dev.sparkptq.accuracy.EvaluationAccumulator;
import dev.sparkptq.accuracy.Metric;
import dev.sparkptq.accuracy.Metrics;
import dev.sparkptq.config.MetricSpec;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.data.Sample;
import dev.sparkptq.data.SampleRef;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.runtime.EngineFactory;
import dev.sparkptq.runtime.EngineOptions;
import dev.sparkptq.runtime.InferenceEngine;
import dev.sparkptq.runtime.ModelBlob;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One task of a {@link CandidateJob}: rebuild the candidate (or take it from this JVM's small cache), run FP32 and
 * candidate on the shard, and reduce each sample into metric accumulators and per-sample values.
 */
final class CandidateWorker {
    /** Candidates built in this JVM, most recent last; evicting one also drops its cached session. */
    private static final int CACHED = 4;
    private static final Map<String, ModelBlob> BUILT = new LinkedHashMap<>(16, 0.75f, true);

    private CandidateWorker() {
    }

    /** Forgets every built candidate of this JVM and drops their sessions (benchmarks start cold). */
    static void clear(EngineFactory engines) {
        synchronized (BUILT) {
            BUILT.keySet().forEach(engines::evict);
            BUILT.clear();
        }
    }

    static ShardResult evaluate(CandidateJob job, int[] reverted, Iterator<SampleRef> refs, EngineFactory engines) {
        EngineOptions options = EngineOptions.forInference(job.threads);
        InferenceEngine fp32 = engines.open(job.recipe.fp32(), options);
        InferenceEngine candidate = engines.open(blob(job, reverted, engines), options);
        List<Metric> metrics = new ArrayList<>();
        for (MetricSpec spec : job.metrics) {
            metrics.add(Metrics.create(spec, fp32.outputs()));
        }
        List<String> outputs = fp32.outputs().stream().map(t -> t.name()).toList();
        EvaluationAccumulator f = EvaluationAccumulator.of(metrics);
        EvaluationAccumulator c = EvaluationAccumulator.of(metrics);
        List<double[]> fs = new ArrayList<>();
        List<double[]> cs = new ArrayList<>();
        List<Double> dist = new ArrayList<>();
        while (refs.hasNext()) {
            SampleRef sampleRef = refs.next();
            String key = job.recipe.fp32().digest() + "|" + sampleRef;
            ReferenceCache.Entry cached = ReferenceCache.get(key);
            Sample s = cached != null ? cached.sample() : job.source.load(sampleRef);
            Map<String, Tensor> ref = cached != null ? cached.fp32() : fp32.run(s.inputs(), outputs);
            if (cached == null) {
                ReferenceCache.put(key, s, ref);
            }
            Map<String, Tensor> out = candidate.run(s.inputs(), outputs);
            dist.add(OutputDistance.of(job.spec.rankingDistance(), ref.get(outputs.get(0)), out.get(outputs.get(0))));
            Integer label = job.spec.annotationFree() ? fp32Label(ref.get(outputs.get(0)),
                    job.spec.annotationConfThreshold()) : s.label();
            double[] fv = new double[metrics.size()];
            double[] cv = new double[metrics.size()];
            Arrays.fill(fv, Double.NaN);
            Arrays.fill(cv, Double.NaN);
            if (!job.spec.annotationFree() || label != null) {
                EvalSample rs = new EvalSample(s.id(), ref, ref, s.inputs(), label);
                EvalSample cs1 = new EvalSample(s.id(), out, ref, s.inputs(), label);
                f.add(rs);
                c.add(cs1);
                for (int m = 0; m < metrics.size(); m++) {
                    fv[m] = metrics.get(m).perSample(rs);
                    cv[m] = metrics.get(m).perSample(cs1);
                }
            }
            fs.add(fv);
            cs.add(cv);
        }
        return new ShardResult(f, c, transpose(fs, metrics.size()), transpose(cs, metrics.size()),
                dist.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /**
     * Annotation-free mode (POT): the FP32 model's top-1 class is the label; a sample whose FP32 softmax confidence
     * is below the threshold has no label and is skipped.
     */
    static Integer fp32Label(Tensor output, double threshold) {
        double[] p = OutputDistance.softmax(OutputDistance.doubles(output));
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[best]) {
                best = i;
            }
        }
        return p.length == 0 || p[best] < threshold ? null : best;
    }

    /** The candidate reverting {@code reverted} groups, built once per JVM. */
    private static ModelBlob blob(CandidateJob job, int[] reverted, EngineFactory engines) {
        String digest = job.recipe.digest() + "|" + job.spec.revertTo() + "|" + job.spec.restoreMode() + "|"
                + Arrays.toString(reverted);
        synchronized (BUILT) {
            ModelBlob cached = BUILT.get(digest);
            if (cached != null) {
                return cached;
            }
        }
        ModelBlob built = ModelBlob.ofBytes(digest, ModelIo.toBytes(build(job, reverted)));
        synchronized (BUILT) {
            BUILT.put(digest, built);
            if (BUILT.size() > CACHED) {
                String eldest = BUILT.keySet().iterator().next();
                BUILT.remove(eldest);
                engines.evict(eldest);
            }
        }
        return built;
    }

    static OnnxMl.ModelProto build(CandidateJob job, int[] reverted) {
        return Candidates.build(job.recipe, job.groups, job.spec, reverted);
    }

    private static double[][] transpose(List<double[]> rows, int metrics) {
        double[][] out = new double[metrics][rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            for (int m = 0; m < metrics; m++) {
                out[m][i] = rows.get(i)[m];
            }
        }
        return out;
    }
}
