package dev.sparkptq.cli;

import dev.sparkptq.pipeline.TinyRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.sparkptq.cli.CliErrorsTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** AccuracyAwareQuantization from the command line, on Spark local[2]. */
class AccuracyAwareCliTest {
    @Test
    void quickModeWithMaxDropRunsTheSearchOnSpark(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 6, 3);
        Path out = tmp.resolve("q");
        CliErrorsTest.Run r = cli("quantize", "-q", "accuracy_aware", "--max-drop", "0", "--model",
                t.model.toString(), "--data-source", t.data.toString(), "--output-dir", out.toString(),
                "--master", "local[2]", "--verbose");
        assertEquals(0, r.code(), r.err());
        String report = Files.readString(out.resolve("report.json"));
        assertTrue(report.contains("\"accuracy_aware\"") && report.contains("\"target_met\" : true"), report);
    }

    /**
     * Without labels and without a metric, quick mode controls fidelity to FP32 over every output: the worst
     * output's cosine is within --max-drop, and the console says how many groups were reverted and what it costs.
     */
    @Test
    void labelFreeQuickModeControlsEveryOutputAndReportsRevertsAndSpeed(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 8, 5);
        dev.sparkptq.graph.ModelIo.save(dev.sparkptq.graph.TinyModels.twoHeads(), t.model);
        Path out = tmp.resolve("lf");
        CliErrorsTest.Run r = cli("quantize", "-q", "accuracy_aware", "--max-drop", "0.005", "--model",
                t.model.toString(), "--data-source", t.data.toString(), "--output-dir", out.toString(),
                "--master", "local[2]");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("accuracy-aware: ") && r.out().contains(" groups reverted")
                && r.out().contains("fidelity_cosine") && r.out().contains(": met"), r.out());
        assertTrue(r.out().contains("latency (one thread): FP32 "), r.out());
        com.fasterxml.jackson.databind.JsonNode aaq = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(out.resolve("report.json").toFile()).path("accuracy_aware");
        assertEquals("fidelity_cosine", aaq.path("metric").asText());
        assertTrue(aaq.path("drop").path("fidelity_cosine").asDouble() <= 0.005, aaq.toString());
        assertTrue(aaq.path("latency").path("speedup").asDouble() > 0, aaq.toString());
    }

    @Test
    void aMissedTargetExitsWithFiveAndStillWritesModelAndReport(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 6, 4);
        Path config = tmp.resolve("aaq.json");
        Files.writeString(config, """
                { "model": { "model_name": "tiny", "model": "tiny.onnx" },
                  "engine": { "data_source": "data", "speed_guard": false, "reader": { "type": "npy" },
                              "metrics": [ { "type": "cosine_to_fp32" } ] },
                  "compression": { "algorithms": [ { "name": "AccuracyAwareQuantization",
                      "params": { "maximal_drop": 0.0, "max_iter_num": 1, "weights": { "bits": 4 } } } ] } }
                """);
        Path out = tmp.resolve("o");
        CliErrorsTest.Run r = cli("quantize", "-c", config.toString(), "--output-dir", out.toString(),
                "--master", "local[2]");
        assertEquals(5, r.code(), r.err());
        assertTrue(Files.exists(out.resolve("model.onnx")) && Files.exists(out.resolve("report.json")));
        assertTrue(Files.readString(out.resolve("report.json")).contains("\"target_met\" : false"));
    }
}
