package dev.sparkptq.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The embedded default: all-MiniLM-L6-v2 on Europarl; cosine to FP32 ≥ 0.995 (issue #4) on lines not used for
 * calibration.
 */
@Tag("e2e")
class DemoE2eTest {
    @Test
    void demoQuantizesMiniLmWithCosineAtLeastPointNineNineFive(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("demo");
        E2e.CliRun run = E2e.cliOk("demo", "--output-dir", out.toString(), "--master", "local[2]");
        JsonNode report = E2e.report(out);
        double cosine = report.get("metrics").get("quantized").get("cosine_to_fp32").asDouble();
        assertTrue(cosine >= 0.995, "cosine_to_fp32 " + cosine);
        // the 47 MB word-embedding table (a Gather) stays float; the MatMul weights become int8
        assertTrue(report.get("output").get("size_ratio").asDouble() < 0.70, "INT8 weights shrink the file");
        assertTrue(run.out().contains("latency"), "the demo prints the latency comparison: " + run.out());
        assertTrue(report.get("quantization").get("quantized_op_types").has("MatMul"));
    }
}
