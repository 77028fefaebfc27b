package dev.sparkptq.spark;

import dev.sparkptq.aaq.AccuracyAwareRun;
import dev.sparkptq.accuracy.FidelityAccumulator;
import dev.sparkptq.config.ConfigLoader;
import dev.sparkptq.config.ConfigOverrides;
import dev.sparkptq.config.MetricSpec;
import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.pipeline.RunOptions;
import dev.sparkptq.pipeline.TinyRun;
import dev.sparkptq.report.RunReport;
import dev.sparkptq.runtime.EngineOptions;
import dev.sparkptq.runtime.InferenceEngine;
import dev.sparkptq.runtime.ModelBlob;
import dev.sparkptq.runtime.ort.OrtEngineFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Accuracy control without labels on Spark local[2]: a two-headed model, no metric configured, a harsh 4-bit base;
 * the search measures fidelity to FP32 over BOTH outputs and reverts groups until the worse one is within the drop.
 */
class LabelFreeAccuracyAwareTest {
    private static final double MAX_DROP = 0.002;

    @Test
    void searchRevertsUntilTheWorstOutputIsWithinTheDrop(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 12, 9);
        ModelIo.save(dev.sparkptq.graph.TinyModels.twoHeads(), t.model);
        PtqConfig config = ConfigLoader.fromJson("""
                { "model": { "model_name": "two", "model": "tiny.onnx" },
                  "engine": { "data_source": "data", "reader": { "type": "npy" }, "num_partitions": 2 },
                  "compression": { "algorithms": [ { "name": "AccuracyAwareQuantization",
                      "params": { "weights": { "bits": 4 }, "activations": { "bits": 4 },
                                  "maximal_drop": %s } } ] } }
                """.formatted(MAX_DROP), t.dir, ConfigOverrides.none());
        assertEquals(List.of(MetricSpec.Type.FIDELITY_COSINE),
                config.engine().metrics().stream().map(MetricSpec::type).toList(), "the label-free default");
        AccuracyAwareRun.Result r = new AccuracyAwareRun(new SparkBackend(SparkTestSession.get(),
                new OrtEngineFactory()), m -> { }).run(config, new RunOptions(tmp.resolve("out"),
                RunOptions.Evaluation.RUN, 1, Files.createDirectories(tmp.resolve("work"))), false);
        RunReport.AccuracyAwareSummary a = r.run().report().accuracyAware();
        assertEquals("fidelity_cosine", a.metric());
        assertTrue(a.drop().get("fidelity_cosine") <= MAX_DROP + 1e-12 && r.targetMet(), a.drop().toString());
        double baseDrop = 1 - a.base().get("fidelity_cosine");
        assertTrue(baseDrop > MAX_DROP, "the 4-bit base must miss the target: " + a.base());
        int reverted = a.revertedGroups().size();
        assertTrue(reverted >= 1 && reverted < a.groups() + 1, reverted + " of " + a.groups());
        // pruning: with more than one group reverted, each kept revert was tried back and found needed
        List<Integer> kept = a.revertedGroups().stream().map(RunReport.RevertedGroup::group).toList();
        for (RunReport.AaqIteration it : a.iterations()) {
            if (it.outcome().equals("restored")) {
                assertTrue(!kept.contains(it.group()), "a restored group is quantized in the result: " + it);
            }
        }
        if (kept.size() > 1) {
            for (int g : kept) {
                assertTrue(a.iterations().stream().anyMatch(it -> it.group() == g && it.outcome().equals("needed")),
                        "group " + g + " was tried back: " + a.iterations());
            }
        }
        assertNotNull(a.latency());
        assertTrue(a.latency().fp32Ms() > 0 && a.latency().quantizedMs() > 0, a.latency().toString());

        // measured independently: both outputs of the written model, on every validation sample
        FidelityAccumulator check = new FidelityAccumulator(FidelityAccumulator.Fidelity.COSINE);
        OrtEngineFactory f = new OrtEngineFactory();
        InferenceEngine fp32 = f.open(ModelBlob.ofPath("lf-fp32", t.model), EngineOptions.forInference(1));
        InferenceEngine q = f.open(ModelBlob.ofPath("lf-q", r.run().model()), EngineOptions.forInference(1));
        for (float[] x : t.samples) {
            Map<String, Tensor> in = Map.of("x", Tensor.ofFloats(new long[] {1, 3, 8, 8}, x));
            check.add(q.run(in, List.of("y", "z")), fp32.run(in, List.of("y", "z")));
        }
        assertEquals(2, check.scores().size());
        for (FidelityAccumulator.OutputScore s : check.scores()) {
            assertTrue(s.cosine() >= 1 - MAX_DROP - 1e-9, s.output() + " cosine " + s.cosine());
        }
        assertEquals(a.result().get("fidelity_cosine"), check.value(), 1e-6, "the report's figure is the worst");
    }
}
