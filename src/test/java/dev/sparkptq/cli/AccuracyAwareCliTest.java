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
