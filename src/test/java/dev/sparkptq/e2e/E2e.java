package dev.sparkptq.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkptq.cli.Main;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Shared helpers of the end-to-end tests: the ../shared folder, running the CLI, reading report.json. */
final class E2e {
    private E2e() {
    }

    /** ../shared (models and data); the e2e tests need it and say so clearly when it is missing. */
    static Path shared() {
        Path p = Path.of(System.getProperty("sparkptq.shared.dir", "../shared")).toAbsolutePath().normalize();
        assumeTrue(Files.isDirectory(p.resolve("models")),
                "../shared/models is not present next to the repository; the e2e tests need the shared models");
        return p;
    }

    /**
     * The command line of a child JVM running {@code mainClass} on this test's classpath, with its own JVM options
     * plus the module openings and Netty/JDK flags Spark needs (copied from this JVM's arguments).
     */
    static List<String> childJvm(List<String> jvmOptions, String mainClass, String... args) {
        return dev.sparkptq.cli.ChildJvm.command(jvmOptions, mainClass, args);
    }

    record CliRun(int code, String out, String err) {
    }

    static CliRun cli(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Main.run(List.of(argv), o, e);
        }
        CliRun r = new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        System.out.println("spark-ptq " + String.join(" ", argv) + "\n" + r.out + r.err);
        return r;
    }

    static CliRun cliOk(String... argv) {
        CliRun r = cli(argv);
        assertEquals(0, r.code, "exit code; stderr: " + r.err);
        return r;
    }

    static JsonNode report(Path outputDir) throws IOException {
        return new ObjectMapper().readTree(outputDir.resolve("report.json").toFile());
    }

    /** A folder of symlinks to the given files (a calibration/evaluation split without copying data). */
    /**
     * The ImageNet sample split as the SqueezeNet tests use it: 2 of every 5 images (in name order) calibrate, the
     * other 3 evaluate, so no evaluation image is ever seen in calibration; both as folders of symlinks in tmp.
     */
    record ImageSplit(Path calibration, Path evaluation, int calibrationImages, int evaluationImages) {
    }

    static ImageSplit imagenetSplit(Path shared, Path tmp) throws IOException {
        List<Path> images;
        try (java.util.stream.Stream<Path> s = Files.list(shared.resolve("data/imagenet-sample"))) {
            images = s.sorted().toList();
        }
        List<Path> calib = new java.util.ArrayList<>();
        List<Path> eval = new java.util.ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            (i % 5 < 2 ? calib : eval).add(images.get(i));
        }
        return new ImageSplit(linkFolder(tmp.resolve("calib"), calib), linkFolder(tmp.resolve("eval"), eval),
                calib.size(), eval.size());
    }

    static Path linkFolder(Path dir, List<Path> files) throws IOException {
        Files.createDirectories(dir);
        for (Path f : files) {
            Files.createSymbolicLink(dir.resolve(f.getFileName()), f);
        }
        return dir;
    }
}
