package dev.sparkptq.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SqueezeNet 1.1, full DefaultQuantization (channel alignment, MinMax with the first-layer saturation fix, then fast or
 * full bias correction), calibrated on 200 ImageNet-sample images and evaluated on the other 300: full BiasCorrection
 * is no worse than FastBiasCorrection on top-1 (indicative: 300 images, one point is 3 images).
 */
@Tag("e2e")
class SqueezeNetBiasCorrectionE2eTest {
    @Test
    void fullBiasCorrectionIsNoWorseThanFastOnUnseenImages(@TempDir Path tmp) throws Exception {
        Path shared = E2e.shared();
        E2e.ImageSplit split = E2e.imagenetSplit(shared, tmp);
        Path calibDir = split.calibration();
        Path evalDir = split.evaluation();
        JsonNode fast = run("squeezenet-imagenet.json", calibDir, evalDir, tmp.resolve("fast"));
        JsonNode full = run("squeezenet-full-bias-correction.json", calibDir, evalDir, tmp.resolve("full"));

        double fastTop1 = fast.get("metrics").get("quantized").get("top1").asDouble();
        double fullTop1 = full.get("metrics").get("quantized").get("top1").asDouble();
        System.out.printf("SqueezeNet top1 fp32 %.4f fast-BC %.4f (drop %.4f) full-BC %.4f (drop %.4f); "
                        + "full corrected %d of %d, aligned pairs %d; timings fast %s full %s%n",
                fast.get("metrics").get("fp32").get("top1").asDouble(), fastTop1,
                fast.get("metrics").get("drop").get("top1").asDouble(), fullTop1,
                full.get("metrics").get("drop").get("top1").asDouble(),
                full.get("bias_correction").get("corrected").size(),
                full.get("bias_correction").get("candidates").asInt(),
                full.get("adjustments").get("aligned").size(), fast.get("timings_ms"), full.get("timings_ms"));
        assertEquals("fast", fast.get("bias_correction").get("mode").asText());
        assertEquals("full", full.get("bias_correction").get("mode").asText());
        assertEquals(List.of("squeezenet0_conv0"), names(full.get("adjustments").get("seven_bit_weight_layers")));
        assertTrue(fullTop1 >= fastTop1 - 0.01, "full BC top-1 " + fullTop1 + " vs fast " + fastTop1);
    }

    private static JsonNode run(String config, Path calib, Path eval, Path out) throws Exception {
        E2e.cliOk("quantize", "--config", "conf/examples/" + config, "--data-source", calib.toString(),
                "--eval-data-source", eval.toString(), "--evaluate", "--output-dir", out.toString(),
                "--master", "local[2]");
        return E2e.report(out);
    }

    private static List<String> names(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
