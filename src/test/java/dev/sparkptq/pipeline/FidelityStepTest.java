package dev.sparkptq.pipeline;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.config.ConfigLoader;
import dev.sparkptq.config.ConfigOverrides;
import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.graph.TensorProtos;
import dev.sparkptq.graph.TinyModels;
import dev.sparkptq.report.RunReport;
import dev.sparkptq.runtime.ort.OrtEngineFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.sparkptq.graph.TinyModels.floatAttr;
import static dev.sparkptq.graph.TinyModels.floatInfo;
import static dev.sparkptq.graph.TinyModels.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fidelity placement in a whole run, real ONNX Runtime numerics: three Conv → HardSwish blocks, the first of
 * which writes one channel 400× wider than the others; the second reads only the narrow ones. In int8 that channel's
 * per-tensor scale wipes out the narrow channels twice (the first Conv's output, the second Conv's input), so the
 * output is far from FP32; the third block is benign.
 */
class FidelityStepTest {
    private static OnnxMl.ModelProto wideChannelModel() {
        float[] w1 = new float[4 * 3];
        w1[0] = 200f;           // channel 0: 200·x0, hundreds wide
        w1[3 + 1] = 0.5f;       // channels 1-3: within ±1.3
        w1[6 + 2] = 0.5f;
        w1[9] = 0.5f;
        w1[9 + 1] = 0.5f;
        float[] w2 = new float[3 * 4];
        w2[1] = 4f;             // conv2 ignores channel 0
        w2[4 + 2] = 4f;
        w2[8 + 3] = 4f;
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().addInput(floatInfo("x", 1, 3, 8, 8))
                .addOutput(floatInfo("y", 1, 3, 8, 8))
                .addInitializer(TensorProtos.fromTensor("W1", Tensor.ofFloats(new long[]{4, 3, 1, 1}, w1)))
                .addInitializer(TensorProtos.fromTensor("W2", Tensor.ofFloats(new long[]{3, 4, 1, 1}, w2)))
                .addInitializer(TinyModels.floats("W3", 11, 3, 3, 1, 1));
        String in = "x";
        String[] weights = {"W1", "W2", "W3"};
        for (int i = 1; i <= 3; i++) {
            String out = i == 3 ? "y" : "m" + i;
            g.addNode(node("Conv", "conv" + i, List.of(in, weights[i - 1]), List.of("c" + i)))
                    .addNode(node("HardSigmoid", "hs" + i, List.of("c" + i), List.of("h" + i),
                            floatAttr("alpha", 1 / 6f), floatAttr("beta", 0.5f)))
                    .addNode(node("Mul", "hswish" + i, List.of("c" + i, "h" + i), List.of(out)));
            in = out;
        }
        return TinyModels.model(13, g);
    }

    /** The base quantization of a run (speed guard on: placement runs; the tiny model then falls back to FP32). */
    private static dev.sparkptq.step.ModelState run(TinyRun t, Path out, String mode, List<String> log)
            throws Exception {
        String json = t.json(1, "performance").replace("\"speed_guard\": false",
                "\"speed_guard\": true, \"fidelity_placement\": \"" + mode + "\"");
        PtqConfig config = ConfigLoader.fromJson(json, t.dir, ConfigOverrides.none());
        return new QuantizationPipeline(new InProcessBackend(new OrtEngineFactory()), log::add)
                .quantizeBase(config, t.options(out, RunOptions.Evaluation.SKIP)).state();
    }

    @Test
    void theBlocksThatLoseTheSignalGoToFloatAndTheOutputMeetsTheFloors(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 8, 5);
        ModelIo.save(wideChannelModel(), t.model);
        for (int i = 0; i < 8; i++) { // one amplitude for all samples: the mean-of-max ranges clip nothing
            float[] x = TinyModels.randomFloats(3 * 8 * 8, 100 + i);
            x[0] = 1f;
            x[1] = -1f;
            dev.sparkptq.data.Npy.write(t.data.resolve(String.format("s%03d.npy", i)),
                    Tensor.ofFloats(new long[]{1, 3, 8, 8}, x));
        }

        List<String> offLog = new ArrayList<>();
        dev.sparkptq.step.ModelState off = run(t, tmp.resolve("off"), "off", offLog);
        assertTrue(off.section(RunReport.BlockPlacement.class).isEmpty(), "off: nothing decided");

        List<String> log = new ArrayList<>();
        dev.sparkptq.step.ModelState on = run(t, tmp.resolve("on"), "floors", log);
        RunReport.BlockPlacement b = on.section(RunReport.BlockPlacement.class).orElseThrow();
        assertEquals("reverted", b.outcome(), log.toString());
        assertEquals(3, b.blocks(), "three fused MAC ops");
        assertTrue(b.sqnrDbBefore() < 10, "the wide channel's scale wipes out the narrow ones: " + b);
        assertTrue(b.reverted().containsAll(List.of("conv1", "conv2")) && !b.reverted().contains("conv3"),
                "the two blocks the wide channel spoils, not the benign one: " + b);
        assertTrue(b.sqnrDbAfter() >= 22 && b.cosineAfter() >= 0.995, b.toString());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("fidelity placement: 2 of 3 fused MAC ops")),
                log.toString());

        List<String> strictLog = new ArrayList<>();
        RunReport.BlockPlacement strict = run(t, tmp.resolve("strict"), "strict", strictLog)
                .section(RunReport.BlockPlacement.class).orElseThrow();
        assertEquals(3, strict.reverted().size(), "strict: as faithful as all in float, which is FP32 here");
    }
}
