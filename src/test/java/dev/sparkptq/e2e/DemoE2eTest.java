package dev.sparkptq.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        // the MatMul weights and the embedding tables (word, position, token type) are int8: 25.4 % measured
        assertTrue(report.get("output").get("size_ratio").asDouble() < 0.27, "INT8 weights and tables shrink the "
                + "file to about a quarter: " + report.get("output"));
        assertTrue(run.out().contains("latency"), "the demo prints the latency comparison: " + run.out());
        JsonNode kernels = report.get("kernel_choice");
        assertEquals(3, kernels.get("tables").size(), "word, position and token-type tables: " + kernels);
        assertEquals(37, kernels.get("ops").size(), "36 MatMuls and the pooler's Gemm get a measured kernel");
        for (JsonNode op : kernels.get("ops")) {
            assertTrue(op.get("group_ms").has("static") && op.get("group_ms").has("dynamic")
                    && op.get("sqnr_db").has("dynamic") && !op.get("reason").asText().isEmpty(), op.toString());
        }
    }
}
