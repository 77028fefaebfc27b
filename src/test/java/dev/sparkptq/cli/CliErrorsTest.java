package dev.sparkptq.cli;

import dev.sparkptq.pipeline.TinyRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input gets one line naming the problem, a distinct exit code, no stack trace and no output files. */
class CliErrorsTest {
    record Run(int code, String out, String err) {
    }

    static Run cli(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(List.of(argv), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static void assertOneLineError(Run r, int code, String fragment) {
        assertEquals(code, r.code(), r.err());
        assertTrue(r.err().contains(fragment), r.err());
        // progress lines ("[spark-ptq] ...") may precede the error; the error itself is one line
        assertEquals(1, r.err().strip().lines().filter(l -> !l.startsWith("[spark-ptq]")).count(),
                "exactly one error line: " + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace");
    }

    @Test
    void helpAndVersionSucceed() {
        assertEquals(0, cli("--help").code());
        assertTrue(cli("quantize", "--help").out().contains("--eval-data-source"));
        Run v = cli("version");
        assertEquals(0, v.code());
        assertTrue(v.out().startsWith("spark-ptq "));
    }

    @Test
    void argumentMistakesExitWithTwo() {
        assertOneLineError(cli("quantise"), 2, "unknown command 'quantise'");
        assertOneLineError(cli("quantize"), 2, "needs --config");
        assertOneLineError(cli("quantize", "--confg", "x.json"), 2, "did you mean --config?");
        assertOneLineError(cli("quantize", "--config"), 2, "needs a value");
        assertOneLineError(cli("quantize", "-c", "/nonexistent/x.json"), 2, "x.json");
        assertOneLineError(cli("quantize", "-c", "a.json", "--threads", "zero"), 2, "--threads");
    }

    @Test
    void aFileThatIsNotOnnxExitsWithThree(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 2, 1);
        Files.writeString(t.model, "this is not a model");
        Path cfg = Files.writeString(tmp.resolve("c.json"), t.json(1, "performance"));
        Path out = tmp.resolve("out");
        assertOneLineError(cli("quantize", "-c", cfg.toString(), "--output-dir", out.toString()), 3,
                "not an ONNX model");
        assertTrue(Files.notExists(out.resolve("model.onnx")));
    }

    @Test
    void anEmptyDataFolderExitsWithFour(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 1, 1);
        Files.delete(t.data.resolve("s000.npy"));
        Path cfg = Files.writeString(tmp.resolve("c.json"), t.json(1, "performance"));
        Run r = cli("quantize", "-c", cfg.toString(), "--output-dir", tmp.resolve("out").toString());
        assertOneLineError(r, 4, "data");
    }

    @Test
    void unknownConfigKeysExitWithTwoAndASuggestion(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 1, 1);
        Path cfg = Files.writeString(tmp.resolve("c.json"),
                t.json(1, "performance").replace("\"preset\"", "\"presett\""));
        assertOneLineError(cli("quantize", "-c", cfg.toString()), 2, "'preset'");
    }

    @Test
    void verboseAddsTheStackTrace(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 1, 1);
        Files.writeString(t.model, "garbage");
        Path cfg = Files.writeString(tmp.resolve("c.json"), t.json(1, "performance"));
        Run r = cli("quantize", "-c", cfg.toString(), "--verbose", "--output-dir", tmp.resolve("o").toString());
        assertEquals(3, r.code());
        assertTrue(r.err().contains("\tat "), r.err());
    }
}
