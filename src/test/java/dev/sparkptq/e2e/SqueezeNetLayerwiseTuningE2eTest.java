package dev.sparkptq.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SqueezeNet 1.1 INT8, full DefaultQuantization with and without {@code use_layerwise_tuning}, calibrated on 200
 * ImageNet-sample images and evaluated on the other 300 (indicative: one point is 3 images). Prints both top-1s and
 * the extra pass's time; checks every layer's tuned output MSE is no higher than nearest rounding's and that top-1
 * stays within one point of the untuned model (the tolerance of the bias-correction comparison: INT8 weights are
 * already close to lossless, so tuning them moves top-1 by a few images either way on this sample).
 */
@Tag("e2e")
class SqueezeNetLayerwiseTuningE2eTest {
    @Test
    void tunedInt8IsNoWorseThanUntunedOnUnseenImages(@TempDir Path tmp) throws Exception {
        Path shared = E2e.shared();
        E2e.ImageSplit split = E2e.imagenetSplit(shared, tmp);
        JsonNode plain = run("squeezenet-imagenet.json", split, tmp.resolve("plain"));
        JsonNode tuned = run("squeezenet-layerwise-tuning.json", split, tmp.resolve("tuned"));
        double fp32 = plain.get("metrics").get("fp32").get("top1").asDouble();
        double before = plain.get("metrics").get("quantized").get("top1").asDouble();
        double after = tuned.get("metrics").get("quantized").get("top1").asDouble();
        JsonNode layers = tuned.get("layerwise_tuning").get("layers");
        double nearest = 0;
        double tunedMse = 0;
        for (JsonNode l : layers) {
            nearest += l.get("mse_nearest").asDouble();
            tunedMse += l.get("mse_tuned").asDouble();
            assertTrue(l.get("mse_tuned").asDouble() <= l.get("mse_nearest").asDouble(), l.toString());
        }
        System.out.printf("SqueezeNet INT8 top1 fp32 %.4f, untuned %.4f (agreement %.4f), tuned %.4f (agreement %.4f);"
                        + " %d layers, Σ output MSE %.4g -> %.4g; layerwise_tuning %d ms (loaded), totals %d vs %d ms"
                        + "%n", fp32, before, plain.get("metrics").get("quantized").get("top1_agreement").asDouble(),
                after, tuned.get("metrics").get("quantized").get("top1_agreement").asDouble(), layers.size(), nearest,
                tunedMse, tuned.get("timings_ms").get("layerwise_tuning").asLong(),
                plain.get("timings_ms").get("total").asLong(), tuned.get("timings_ms").get("total").asLong());
        assertEquals(26, layers.size() + tuned.get("layerwise_tuning").get("skipped").size());
        assertTrue(layers.size() > 0, "some layers tuned, so the per-layer checks above checked something");
        assertTrue(after >= before - 0.01, "tuned top-1 " + after + " vs untuned " + before);
    }

    private static JsonNode run(String config, E2e.ImageSplit split, Path out) throws Exception {
        E2e.cliOk("quantize", "--config", "conf/examples/" + config, "--data-source", split.calibration().toString(),
                "--eval-data-source", split.evaluation().toString(), "--evaluate", "--output-dir", out.toString(),
                "--master", "local[2]");
        return E2e.report(out);
    }
}
