package dev.sparkptq.cli;

import dev.sparkptq.pipeline.TinyRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.sparkptq.cli.CliErrorsTest.assertOneLineError;
import static dev.sparkptq.cli.CliErrorsTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** POT's quick mode and command-line switches. */
class QuickModeTest {
    @Test
    void quickModeQuantizesWithoutAConfigAndWarningLevelSilencesProgress(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 4, 3);
        Path out = tmp.resolve("quick");
        CliErrorsTest.Run r = cli("quantize", "-q", "default", "--model", t.model.toString(), "--data-source",
                t.data.toString(), "--preset", "mixed", "--output-dir", out.toString(), "--master", "local[1]",
                "--log-level", "WARNING");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.exists(out.resolve("model.onnx")));
        assertTrue(Files.readString(out.resolve("report.json")).contains("\"preset\" : \"mixed\""));
        assertFalse(r.err().contains("[spark-ptq]"), "WARNING hides progress lines: " + r.err());
    }

    @Test
    void quickModeMistakesAreOneLineConfigErrors(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 1, 1);
        String m = t.model.toString();
        String d = t.data.toString();
        assertOneLineError(cli("quantize", "-q", "fast", "--model", m, "--data-source", d), 2, "'default' or");
        assertOneLineError(cli("quantize", "-q", "accuracy_aware", "--model", m, "--data-source", d), 2,
                "needs --max-drop");
        assertOneLineError(cli("quantize", "-q", "accuracy_aware", "--max-drop", "lots", "--model", m,
                "--data-source", d), 2, "--max-drop takes a number");
        assertOneLineError(cli("quantize", "-q", "default", "--model", m), 2, "--data-source");
        assertOneLineError(cli("quantize", "-q", "default", "-c", "x.json", "--model", m, "--data-source", d), 2,
                "exclude each other");
        assertOneLineError(cli("quantize", "-q", "default", "--preset", "fastest", "--model", m, "--data-source",
                d), 2, "--preset");
        assertOneLineError(cli("quantize", "-c", "x.json", "--preset", "mixed"), 2, "quick mode");
        assertOneLineError(cli("quantize", "-q", "default", "--log-level", "LOUD", "--model", m, "--data-source",
                d), 2, "--log-level");
    }

    @Test
    void streamOutputPrintsOneProgressLinePerTaskWithSamplesAndEta(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 6, 4);
        CliErrorsTest.Run r = cli("quantize", "-q", "default", "--model", t.model.toString(), "--data-source",
                t.data.toString(), "--output-dir", tmp.resolve("o").toString(), "--master", "local[2]",
                "--stream-output", "--evaluate");
        assertEquals(0, r.code(), r.err());
        var lines = r.err().lines().filter(l -> l.startsWith("statistics ") || l.startsWith("evaluation ")).toList();
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("statistics ") && l.contains("4/4 tasks")
                && l.contains("6 samples") && l.contains("done in")), r.err());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("evaluation ") && l.contains("done in")), r.err());
        assertTrue(lines.stream().anyMatch(l -> l.contains("ETA")), r.err());
    }

    @Test
    void theBarRendersProportionallyAndEstimatesTheRemainingTime() {
        var e = new dev.sparkptq.spark.ProgressListener.Event("statistics", 1, 4, 400, 2000, false);
        String line = ProgressPrinter.render(e);
        assertTrue(line.contains("[#######-----------------------]"), line);
        assertTrue(line.contains("1/4 tasks") && line.contains("50.0 samples/s") && line.contains("ETA 6s"), line);
    }

    @Test
    void anEarlierResultIsReplacedOnlyWithOverwrite(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 2, 5);
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(out.resolve("model.onnx"), "earlier result");
        assertOneLineError(cli("quantize", "-q", "default", "--model", t.model.toString(), "--data-source",
                t.data.toString(), "--output-dir", out.toString()), 2, "--overwrite");
        assertEquals("earlier result", Files.readString(out.resolve("model.onnx")), "untouched");
        CliErrorsTest.Run r = cli("quantize", "-q", "default", "--model", t.model.toString(), "--data-source",
                t.data.toString(), "--output-dir", out.toString(), "--overwrite", "--master", "local[1]");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.size(out.resolve("model.onnx")) > 100);
    }
}
