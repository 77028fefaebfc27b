package dev.sparkptq.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * YOLOX-nano (mixed preset, 100 COCO images) with full BiasCorrection instead of FastBiasCorrection: the cosine of the
 * raw output to FP32 stays within 0.01 of the fast correction's (indicative; the full correction measures on 20 images).
 */
@Tag("e2e")
class YoloxBiasCorrectionE2eTest {
    @Test
    void fullBiasCorrectionKeepsTheCosineToFp32(@TempDir Path tmp) throws Exception {
        Path shared = E2e.shared();
        String example = Files.readString(Path.of("conf/examples/yolox-nano-coco.json"))
                .replace("../../../shared", shared.toAbsolutePath().toString());
        Path fastConfig = Files.writeString(tmp.resolve("fast.json"), example);
        Path fullConfig = Files.writeString(tmp.resolve("full.json"),
                example.replace("\"preset\": \"mixed\"", "\"preset\": \"mixed\", \"use_fast_bias\": false"));
        JsonNode fast = run(fastConfig, tmp.resolve("fast"));
        JsonNode full = run(fullConfig, tmp.resolve("full"));
        double fastCos = fast.get("metrics").get("quantized").get("cosine_to_fp32").asDouble();
        double fullCos = full.get("metrics").get("quantized").get("cosine_to_fp32").asDouble();
        System.out.printf("YOLOX-nano cosine_to_fp32 fast-BC %.4f (%d of %d corrected) full-BC %.4f (%d of %d); "
                        + "7-bit layers %s; aligned pairs %d; bias correction ms fast %d full %d%n", fastCos,
                fast.get("bias_correction").get("corrected").size(), fast.get("bias_correction").get("candidates")
                        .asInt(), fullCos, full.get("bias_correction").get("corrected").size(),
                full.get("bias_correction").get("candidates").asInt(),
                full.get("adjustments").get("seven_bit_weight_layers"), full.get("adjustments").get("aligned").size(),
                fast.get("timings_ms").get("bias_correction").asLong(),
                full.get("timings_ms").get("bias_correction").asLong());
        assertEquals("full", full.get("bias_correction").get("mode").asText());
        assertTrue(fullCos >= fastCos - 0.01, "full " + fullCos + " vs fast " + fastCos);
    }

    private static JsonNode run(Path config, Path out) throws Exception {
        E2e.cliOk("quantize", "-c", config.toString(), "--evaluate", "--output-dir", out.toString(),
                "--master", "local[2]");
        return E2e.report(out);
    }
}
