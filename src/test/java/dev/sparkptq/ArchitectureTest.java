package dev.sparkptq;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The package layering of DESIGN.md, enforced on the main sources: a package may use only itself and the packages
 * listed before it, and the pure layers never touch Spark, ONNX Runtime or Jackson.
 */
class ArchitectureTest {
    /** Lowest layer first. */
    static final List<String> LAYERS = List.of("core", "config", "graph", "graph.edit", "stats", "calibration",
            "plan", "runtime", "runtime.ort", "data", "accuracy", "report", "algorithms.equalization", "pipeline", "aaq",
            "spark", "api", "cli");

    static final Map<String, String> FOREIGN = Map.of(
            "org.apache.spark", "Spark", "scala", "Scala/Spark", "ai.onnxruntime", "ONNX Runtime",
            "com.fasterxml.jackson", "Jackson");

    static final List<String> PURE = List.of("core", "stats", "calibration", "graph", "graph.edit", "plan",
            "accuracy", "algorithms.equalization");

    private static final Path MAIN = Path.of("src/main/java/dev/sparkptq");
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(static\\s+)?([\\w.]+)", Pattern.MULTILINE);
    private static final Pattern OWN_REF = Pattern.compile("dev\\.sparkptq\\.([a-z]+(?:\\.[a-z]+)*)\\.[A-Z]");

    @Test
    void everyMainPackageIsALayer() throws IOException {
        for (SourceFile f : sources()) {
            assertTrue(LAYERS.contains(f.pkg), f.path + " is in package '" + f.pkg + "', which is not a layer of "
                    + "DESIGN.md; add it to ArchitectureTest.LAYERS at the right height");
        }
    }

    @Test
    void packagesDependOnlyOnLowerLayers() throws IOException {
        List<String> violations = new ArrayList<>();
        for (SourceFile f : sources()) {
            int own = LAYERS.indexOf(f.pkg);
            Matcher m = OWN_REF.matcher(f.text);
            while (m.find()) {
                String used = m.group(1);
                int layer = LAYERS.indexOf(used);
                if (layer > own) {
                    violations.add(f.path + " (" + f.pkg + ") uses " + used);
                }
            }
        }
        assertEquals(List.of(), violations.stream().distinct().toList());
    }

    @Test
    void foreignFrameworksStayAtTheEdges() throws IOException {
        List<String> violations = new ArrayList<>();
        for (SourceFile f : sources()) {
            Matcher m = IMPORT.matcher(f.text);
            while (m.find()) {
                String imp = m.group(2);
                for (Map.Entry<String, String> e : FOREIGN.entrySet()) {
                    if (!imp.startsWith(e.getKey() + ".")) {
                        continue;
                    }
                    boolean allowed = switch (e.getValue()) {
                        case "Spark", "Scala/Spark" -> f.pkg.equals("spark") || f.pkg.equals("api")
                                || f.pkg.equals("cli");
                        case "ONNX Runtime" -> f.pkg.equals("runtime.ort");
                        default -> !PURE.contains(f.pkg);
                    };
                    if (!allowed) {
                        violations.add(f.path + " (" + f.pkg + ") imports " + e.getValue() + ": " + imp);
                    }
                }
            }
        }
        assertEquals(List.of(), violations);
    }

    @Test
    void theCheckSeesRealSources() throws IOException {
        // guards against a vacuous pass (e.g. the test running from the wrong working directory)
        assertTrue(sources().size() > 40, "expected the main sources under " + MAIN.toAbsolutePath());
    }

    record SourceFile(Path path, String pkg, String text) {
    }

    private static List<SourceFile> sources() throws IOException {
        try (Stream<Path> walk = Files.walk(MAIN)) {
            List<SourceFile> out = new ArrayList<>();
            for (Path p : walk.filter(x -> x.toString().endsWith(".java")).sorted().toList()) {
                String pkg = MAIN.relativize(p.getParent()).toString().replace('/', '.');
                out.add(new SourceFile(p, pkg, Files.readString(p)));
            }
            return out;
        }
    }
}
