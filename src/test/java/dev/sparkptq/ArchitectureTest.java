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
 * listed before it, and the pure layers never touch Spark, ONNX Runtime or Jackson. Hadoop's file
 * systems are reached only from {@code storage} (and Spark's own readers in {@code spark}). Every algorithm package
 * {@code algorithms.<name>} is one layer ({@link #ALGORITHM}): it may not use another algorithm's package, and only
 * the registry (package {@code algorithms}) names algorithm packages — the pipeline composes whatever steps it gets.
 */
class ArchitectureTest {
    /** The layer of every algorithm package {@code algorithms.<name>}. */
    static final String ALGORITHM = "algorithms.*";

    /** Lowest layer first. */
    static final List<String> LAYERS = List.of("core", "config", "graph", "graph.edit", "stats", "calibration",
            "plan", "runtime", "runtime.ort", "storage", "data", "accuracy", "report", "step", "placement", ALGORITHM, "algorithms",
            "pipeline", "aaq", "spark", "api", "cli");

    static final Map<String, String> FOREIGN = Map.of(
            "org.apache.spark", "Spark", "scala", "Scala/Spark", "ai.onnxruntime", "ONNX Runtime",
            "com.fasterxml.jackson", "Jackson", "org.apache.hadoop", "Hadoop");

    static final List<String> PURE = List.of("core", "stats", "calibration", "graph", "graph.edit", "plan",
            "accuracy", "step", ALGORITHM, "algorithms");

    private static final Path MAIN = Path.of("src/main/java/dev/sparkptq");
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(static\\s+)?([\\w.]+)", Pattern.MULTILINE);
    private static final Pattern OWN_REF = Pattern.compile("dev\\.sparkptq\\.([a-z]+(?:\\.[a-z]+)*)\\.[A-Z]");

    @Test
    void everyMainPackageIsALayer() throws IOException {
        for (SourceFile f : sources()) {
            assertTrue(LAYERS.contains(layer(f.pkg)), f.path + " is in package '" + f.pkg + "', which is not a layer of "
                    + "DESIGN.md; add it to ArchitectureTest.LAYERS at the right height");
        }
    }

    @Test
    void packagesDependOnlyOnLowerLayers() throws IOException {
        List<String> violations = references().stream()
                .filter(r -> LAYERS.indexOf(layer(r.used())) > LAYERS.indexOf(layer(r.file().pkg)))
                .map(Reference::toString).distinct().toList();
        assertEquals(List.of(), violations);
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
                        // file systems: the storage package (the driver's files) and Spark's readers
                        case "Hadoop" -> f.pkg.equals("storage") || f.pkg.equals("spark");
                        default -> !PURE.contains(layer(f.pkg));
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
    void noAlgorithmUsesAnother() throws IOException {
        List<String> violations = references().stream()
                .filter(r -> layer(r.file().pkg).equals(ALGORITHM) && layer(r.used()).equals(ALGORITHM)
                        && !r.used().equals(r.file().pkg))
                .map(Reference::toString).distinct().toList();
        assertEquals(List.of(), violations,
                "an algorithm may not use another's package; move what they share down (plan, graph, calibration)");
    }

    @Test
    void onlyTheRegistryNamesAlgorithms() throws IOException {
        List<String> violations = references().stream()
                .filter(r -> layer(r.used()).equals(ALGORITHM) && !layer(r.file().pkg).equals(ALGORITHM)
                        && !r.file().pkg.equals("algorithms"))
                .map(Reference::toString).distinct().toList();
        assertEquals(List.of(), violations,
                "outside the algorithms, only dev.sparkptq.algorithms.Registry may name an algorithm");
    }

    @Test
    void theCheckSeesRealSources() throws IOException {
        // guards against a vacuous pass (e.g. the test running from the wrong working directory)
        assertTrue(sources().size() > 40, "expected the main sources under " + MAIN.toAbsolutePath());
    }

    /** The layer a package belongs to: itself, or {@link #ALGORITHM} for {@code algorithms.<name>}. */
    static String layer(String pkg) {
        return pkg.startsWith("algorithms.") && pkg.indexOf('.', "algorithms.".length()) < 0 ? ALGORITHM : pkg;
    }

    record SourceFile(Path path, String pkg, String text) {
    }

    /** A use of an own package (by import or qualified name) in a main source. */
    record Reference(SourceFile file, String used) {
        @Override
        public String toString() {
            return file.path + " (" + file.pkg + ") uses " + used;
        }
    }

    private static List<Reference> references() throws IOException {
        List<Reference> out = new ArrayList<>();
        for (SourceFile f : sources()) {
            Matcher m = OWN_REF.matcher(f.text);
            while (m.find()) {
                out.add(new Reference(f, m.group(1)));
            }
        }
        return out;
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
