package dev.sparkptq.cli;

import dev.sparkptq.data.BadImages;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.graph.TinyModels;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the console shows when an executor task fails: one line naming the cause and where Spark's log went, never
 * Spark's own ERROR/WARN lines or a stack trace — unless --verbose asks for them. Run in a child JVM with the
 * launcher's log configuration, because Spark's log lines go to the process's real stderr.
 */
class SparkConsoleTest {
    /** Spark's console layout is "HH:mm:ss LEVEL Logger: message" (conf/log4j2.properties). */
    private static final Pattern SPARK_LINE = Pattern.compile("(?m)^\\d\\d:\\d\\d:\\d\\d (ERROR|WARN) ");

    @TempDir
    Path tmp;

    /** Four images for the tiny [1,3,8,8] model; the third is a truncated JPEG, so a task (not the driver) fails. */
    private String[] run(String... extra) throws Exception {
        Path model = tmp.resolve("tiny.onnx");
        ModelIo.save(TinyModels.convReluConv(), model);
        Path images = Files.createDirectories(tmp.resolve("images"));
        BadImages.good(images.resolve("a.png"), "png", 32, 24, 1);
        BadImages.good(images.resolve("b.png"), "png", 32, 24, 2);
        BadImages.truncatedJpeg(images.resolve("c.jpg"), 64, 48, 0.6);
        BadImages.good(images.resolve("d.png"), "png", 32, 24, 3);
        List<String> argv = new java.util.ArrayList<>(List.of("quantize", "-q", "default", "--model",
                model.toString(), "--data-source", images.toString(), "--output-dir", tmp.resolve("out").toString(),
                "--master", "local[2]"));
        argv.addAll(List.of(extra));
        return argv.toArray(String[]::new);
    }

    @Test
    void aFailedExecutorTaskPrintsOneLineAndKeepsSparksTracesInTheLogFile() throws Exception {
        ChildJvm.Result r = ChildJvm.cli(tmp, run());
        assertEquals(4, r.code(), r.err());
        assertFalse(r.err().contains("\tat "), "no stack frame on the console: " + r.err());
        assertFalse(SPARK_LINE.matcher(r.err()).find(), "no Spark ERROR/WARN line on the console: " + r.err());
        List<String> errors = r.err().lines().filter(l -> l.startsWith("spark-ptq: ")).toList();
        assertEquals(1, errors.size(), r.err());
        Path log = tmp.resolve("out").resolve(SparkLogFile.FILE_NAME).toAbsolutePath();
        assertTrue(errors.get(0).contains("c.jpg") && errors.get(0).contains("truncated or corrupt")
                && errors.get(0).contains(log.toString()), errors.get(0));
        String logged = Files.readString(log);
        assertTrue(logged.contains("Exception in task") && logged.contains("\tat "), "Spark's trace is in the file");
        assertFalse(Files.exists(tmp.resolve("out").resolve("model.onnx")));
    }

    @Test
    void verboseShowsTheTraces() throws Exception {
        ChildJvm.Result r = ChildJvm.cli(tmp, run("--verbose"));
        assertEquals(4, r.code(), r.err());
        assertTrue(r.err().contains("\tat "), r.err());
        assertTrue(SPARK_LINE.matcher(r.err()).find(), "Spark's own lines with --verbose: " + r.err());
    }

    @Test
    void aTaskFailureThatIsNotOursIsNamedByTheTasksException() {
        SparkException wrapped = new SparkException("Job aborted due to stage failure: Task 3 in stage 0.0 failed 1 "
                + "times, most recent failure: Lost task 3.0 in stage 0.0 (TID 3) (10.0.0.1 executor driver): "
                + "java.lang.IllegalStateException: boom", new IllegalStateException("boom\n\tat x.y(Z.java:1)"));
        assertEquals("a Spark task failed: IllegalStateException: boom", Errors.describe(wrapped));
        SparkException remote = new SparkException("Job aborted due to stage failure: Task 0 in stage 2.0 failed 4 "
                + "times, most recent failure: Lost task 0.3 in stage 2.0 (TID 9) (worker-1 executor 2): "
                + "java.lang.NoClassDefFoundError: ai/onnxruntime/OrtEnvironment\n\tat a.b(C.java:1)", null);
        assertEquals("a Spark task failed: java.lang.NoClassDefFoundError: ai/onnxruntime/OrtEnvironment",
                Errors.describe(remote));
        assertEquals("IllegalArgumentException: bad", Errors.describe(new IllegalArgumentException("bad")));
    }
}
