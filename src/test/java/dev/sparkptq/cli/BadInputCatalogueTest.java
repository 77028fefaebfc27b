package dev.sparkptq.cli;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.data.Npy;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.graph.TinyModels;
import dev.sparkptq.pipeline.TinyRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static dev.sparkptq.graph.TinyModels.floatInfo;
import static dev.sparkptq.graph.TinyModels.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bad-input catalogue of docs/bad-input.md, case by case: each bad input exits with its documented code and one
 * error line naming the problem, prints no stack trace, and leaves no model.onnx behind. The document's table and
 * this class are checked against each other.
 */
class BadInputCatalogueTest {
    @TempDir
    Path tmp;

    private final List<String> checked = new ArrayList<>();

    /** Runs the CLI, checks the contract, records the case id. */
    private void expect(String id, int code, String fragment, String... argv) {
        CliErrorsTest.Run r = CliErrorsTest.cli(argv);
        assertEquals(code, r.code(), id + ": " + r.err());
        List<String> errors = r.err().lines().filter(l -> l.startsWith("spark-ptq: ")).toList();
        assertEquals(1, errors.size(), id + ": one error line: " + r.err());
        assertTrue(errors.get(0).contains(fragment), id + ": '" + fragment + "' in " + errors.get(0));
        assertFalse(r.err().contains("\tat "), id + ": no stack trace");
        System.out.println(id + " -> exit " + r.code() + ": " + errors.get(0));
        checked.add(id);
    }

    /** A case the run survives: exit 0, a model written, and one {@code warning:} line naming the problem. */
    private void expectWarning(String id, String fragment, String... argv) {
        CliErrorsTest.Run r = CliErrorsTest.cli(argv);
        assertEquals(0, r.code(), id + ": " + r.err());
        List<String> warnings = r.out().lines().filter(l -> l.startsWith("warning: ")).toList();
        assertEquals(1, warnings.size(), id + ": one warning line: " + r.out());
        assertTrue(warnings.get(0).contains(fragment), id + ": '" + fragment + "' in " + warnings.get(0));
        assertFalse(r.err().contains("\tat "), id + ": no stack trace");
        System.out.println(id + " -> exit 0: " + warnings.get(0));
        checked.add(id);
    }

    private String[] quantize(Path config, String... extra) {
        return quantizeTo(tmp.resolve("out-" + checked.size()), config, extra);
    }

    private String[] quantizeTo(Path out, Path config, String... extra) {
        List<String> argv = new ArrayList<>(List.of("quantize", "-c", config.toString(), "--output-dir",
                out.toString(), "--master", "local[1]"));
        argv.addAll(Arrays.asList(extra));
        return argv.toArray(String[]::new);
    }

    private Path config(TinyRun t, String json) throws Exception {
        return Files.writeString(t.dir.resolve("c" + checked.size() + ".json"), json);
    }

    @Test
    void everyCatalogueCaseBehavesAsDocumented() throws Exception {
        TinyRun t = TinyRun.create(tmp.resolve("run"), 4, 1);
        String good = t.json(1, "performance");
        // command line
        expect("cli-no-command", 2, "commands are", "frobnicate");
        expect("cli-unknown-option", 2, "did you mean --config", "quantize", "--confg", "x.json");
        expect("cli-missing-value", 2, "needs a value", "quantize", "--config");
        expect("cli-repeated-option", 2, "given twice", "quantize", "-c", "a.json", "-c", "b.json");
        expect("cli-bad-number", 2, "--threads", "quantize", "-c", "a.json", "--threads", "many");
        expect("cli-q-and-c", 2, "exclude each other", "quantize", "-q", "default", "-c", "a.json");
        expect("cli-quick-option-with-config", 2, "quick mode", "quantize", "-c", "a.json", "--preset", "mixed");
        expect("cli-statistics-missing", 2, "--statistics", quantize(config(t, good), "--statistics",
                tmp.resolve("none.json").toString()));
        Path firstRun = tmp.resolve("ok-first");
        assertEquals(0, CliErrorsTest.cli("quantize", "-c", config(t, good).toString(), "--output-dir",
                firstRun.toString(), "--master", "local[1]").code(), "a good run for its statistics.json");
        ModelIo.save(TinyModels.convReluConv().toBuilder().setDocString("another model").build(),
                t.dir.resolve("other.onnx"));
        expect("cli-statistics-other-model", 2, "another model", quantize(config(t, good), "--model",
                t.dir.resolve("other.onnx").toString(), "--statistics", firstRun.resolve("statistics.json")
                        .toString()));
        expect("cli-resume-not-accuracy-aware", 2, "AccuracyAwareQuantization", "quantize", "-c",
                config(t, good).toString(), "--resume", firstRun.toString(), "--master", "local[1]");
        Path noCheckpoint = Files.createDirectories(tmp.resolve("no-checkpoint"));
        expect("cli-resume-no-checkpoint", 2, "no aaq-checkpoint.json", "quantize", "-c", config(t,
                good.replace("\"DefaultQuantization\"", "\"AccuracyAwareQuantization\"")).toString(), "--resume",
                noCheckpoint.toString(), "--master", "local[1]");
        assertFalse(Files.exists(noCheckpoint.resolve("model.onnx")), "cli-resume-no-checkpoint: nothing written");
        Path otherFormat = Files.createDirectories(tmp.resolve("other-format"));
        Files.writeString(otherFormat.resolve("aaq-checkpoint.json"), "{\"format\": 99, \"recipe\": \"x\"}");
        expect("cli-resume-checkpoint-format", 2, "checkpoint format 99", "quantize", "-c", config(t,
                good.replace("\"DefaultQuantization\"", "\"AccuracyAwareQuantization\"")).toString(), "--resume",
                otherFormat.toString(), "--master", "local[1]");
        assertFalse(Files.exists(otherFormat.resolve("model.onnx")), "cli-resume-checkpoint-format: nothing written");
        // configuration
        expect("config-missing-file", 2, "does not exist", "quantize", "-c", tmp.resolve("nope.json").toString());
        expect("config-malformed-json", 2, "config", quantize(config(t, "{ \"model\": ")));
        expect("config-unknown-key", 2, "did you mean 'preset'", quantize(config(t, good.replace("\"preset\"",
                "\"presset\""))));
        expect("config-wrong-type", 2, "num_partitions", quantize(config(t, good.replace("\"num_partitions\": 1",
                "\"num_partitions\": \"one\""))));
        expect("config-bad-enum", 2, "performance", quantize(config(t, good.replace("\"preset\": \"performance\"",
                "\"preset\": \"fastest\""))));
        expect("config-contradiction", 2, "level_low", quantize(config(t, good.replace(
                "\"preset\": \"performance\"", "\"preset\": \"performance\", \"activations\": "
                        + "{\"level_low\": 10, \"level_high\": 5}"))));
        expect("config-batch-above-subset", 2, "stat_batch_size", quantize(config(t, good.replace(
                "\"preset\": \"performance\"", "\"preset\": \"performance\", \"stat_subset_size\": 2, "
                        + "\"stat_batch_size\": 4"))));
        expect("config-symmetric-with-min", 2, "remove min", quantize(config(t, good.replace(
                "\"preset\": \"performance\"", "\"preset\": \"performance\", \"weights\": {\"mode\": "
                        + "\"symmetric\", \"range_estimator\": {\"min\": {\"type\": \"min\"}}}"))));
        expect("config-histogram-per-channel", 2, "per tensor", quantize(config(t, good.replace(
                "\"preset\": \"performance\"", "\"preset\": \"performance\", \"activations\": "
                        + "{\"granularity\": \"perchannel\", \"range_estimator\": {\"preset\": \"histogram\"}}"))));
        expect("config-missing-model", 2, "does not exist", quantize(config(t, good.replace("tiny.onnx",
                "missing.onnx"))));
        expect("config-ignored-name", 2, "did you mean 'conv1'", quantize(config(t, good.replace(
                "\"preset\": \"performance\"", "\"preset\": \"performance\", \"ignored\": {\"scope\": [\"conv_1\"]}"))));
        expect("config-several-problems", 2, "2 problem", quantize(config(t, good.replace("\"preset\"",
                "\"presset\"").replace("\"num_partitions\": 1", "\"num_partitions\": 0"))));
        expect("config-missing-tokenizer", 2, "tokenizer", quantize(config(t, good.replace("\"type\": \"npy\"",
                "\"type\": \"text\", \"tokenizer\": \"none.json\""))));
        // model
        Path cfg = config(t, good);
        Path model = t.model;
        byte[] bytes = Files.readAllBytes(model);
        Files.writeString(model, "not a model at all");
        expect("model-not-onnx", 3, "not an ONNX model", quantize(cfg));
        Files.write(model, Arrays.copyOf(bytes, bytes.length / 2));
        expect("model-truncated", 3, "ONNX", quantize(cfg));
        ModelIo.save(withOpset(legacyUpsample(), 6), model);
        expect("model-legacy-op", 3, "Upsample node 'up' of this opset-6 model", quantize(cfg));
        ModelIo.save(withOpset(TinyModels.convReluConv(), 99), model);
        expect("model-opset-too-new", 3, "opset 99", quantize(cfg));
        ModelIo.save(TinyModels.convReluConv().toBuilder().clearOpsetImport().build(), model);
        expect("model-no-opset-import", 3, "opset_import is empty", quantize(cfg));
        ModelIo.save(BadModels.withUnknownDomain(TinyModels.convReluConv()), model);
        expect("model-unknown-domain", 3, "com.example", quantize(cfg));
        ModelIo.save(BadModels.withUnsupportedOp(TinyModels.convReluConv()), model);
        expect("model-unknown-op", 3, "Frobnicate", quantize(cfg));
        ModelIo.save(TinyModels.reshapeThatCannotRun(), model);
        expect("model-fails-in-onnx-runtime", 3, "the FP32 model does not run in ONNX Runtime", quantize(cfg));
        ModelIo.save(reluOnly(), model);
        expect("model-nothing-to-quantize", 3, "nothing to quantize", quantize(cfg));
        ModelIo.save(alreadyQuantized(), model);
        expect("model-already-quantized", 3, "already quantized", quantize(cfg));
        Files.write(model, externalData(bytes, "../outside.bin"));
        expect("model-external-data-escapes", 3, "escapes", quantize(cfg));
        Files.write(model, externalData(bytes, "weights.bin"));
        expect("model-external-data-missing", 3, "weights.bin", quantize(cfg));
        Files.write(tmp.resolve("outside.bin"), new byte[4096]);
        Files.createSymbolicLink(t.dir.resolve("link.bin"), tmp.resolve("outside.bin"));
        Files.write(model, externalData(bytes, "link.bin"));
        expect("model-external-data-symlink", 3, "symbolic link", quantize(cfg));
        ModelIo.save(BadModels.hugeInitializer(TinyModels.convReluConv()), model);
        expect("model-huge-initializer", 3, "W1", quantize(cfg));
        Files.write(model, bytes);
        modelInputCases(t);
        // data
        try (Stream<Path> s = Files.list(t.data)) {
            for (Path p : s.toList()) {
                Files.move(p, tmp.resolve(p.getFileName()));
            }
        }
        expect("data-empty-folder", 4, "no", quantize(cfg));
        Npy.write(t.data.resolve("a.npy"), Tensor.ofFloats(new long[]{1, 3, 5, 5}, new float[75]));
        expect("data-wrong-shape", 4, "a.npy", quantize(cfg));
        Files.writeString(t.data.resolve("a.npy"), "corrupt");
        expect("data-corrupt-sample", 4, "a.npy", quantize(cfg));
        float[] nan = new float[3 * 8 * 8];
        Arrays.fill(nan, Float.NaN);
        Npy.write(t.data.resolve("a.npy"), Tensor.ofFloats(new long[]{1, 3, 8, 8}, nan));
        expect("data-all-nan", 4, "NaN", quantize(cfg));
        float[] someNan = t.samples[0].clone();
        Arrays.fill(someNan, 0, 10, Float.NaN);
        Npy.write(t.data.resolve("a.npy"), Tensor.ofFloats(new long[]{1, 3, 8, 8}, someNan));
        Npy.write(t.data.resolve("b.npy"), Tensor.ofFloats(new long[]{1, 3, 8, 8}, t.samples[1]));
        expectWarning("data-some-nan", "NaN", quantizeTo(tmp.resolve("ok-nan"), cfg));
        Files.delete(t.data.resolve("b.npy"));
        Npy.write(t.data.resolve("a.npy"), Tensor.ofFloats(new long[]{24, 8}, new float[192]));
        expect("data-wrong-rank", 4, "a.npy", quantize(cfg));
        Files.write(t.data.resolve("a.npy"), Arrays.copyOf(Files.readAllBytes(tmp.resolve("s000.npy")), 200));
        expect("data-npy-shorter-than-shape", 4, "truncated", quantize(cfg));
        Files.writeString(t.data.resolve("a.npy"), npyHeader("<c8", "(1, 3, 8, 8)"), StandardCharsets.ISO_8859_1);
        expect("data-wrong-dtype", 4, "<c8", quantize(cfg));
        Npy.write(t.data.resolve("a.npy"), Tensor.ofFloats(new long[]{1, 3, 8, 8}, t.samples[0]));
        expectWarning("data-fewer-than-subset", "stat_subset_size is 50", quantizeTo(tmp.resolve("ok-subset"),
                config(t, good.replace("\"preset\": \"performance\"",
                        "\"preset\": \"performance\", \"stat_subset_size\": 50"))));
        Path images = Files.createDirectories(tmp.resolve("images"));
        Files.writeString(images.resolve("cat.jpg"), "not a jpeg");
        expect("data-corrupt-image", 4, "cat.jpg", quantize(config(t, good.replace("\"type\": \"npy\"",
                "\"type\": \"image\", \"resize\": [8, 8]")), "--data-source", images.toString()));
        damagedImageCases(t, good);
        textCases(t);
        // environment
        Files.writeString(tmp.resolve("a-file"), "x");
        expect("env-output-not-writable", 2, "cannot write to the output folder", "quantize", "-c", cfg.toString(),
                "--output-dir", tmp.resolve("a-file").resolve("out").toString());
        Path earlier = Files.createDirectories(tmp.resolve("earlier"));
        Files.writeString(earlier.resolve("model.onnx"), "earlier");
        expect("env-output-exists", 2, "--overwrite", "quantize", "-c", cfg.toString(), "--output-dir",
                earlier.toString());
        expect("env-output-is-file", 2, "is a file", "quantize", "-c", cfg.toString(), "--output-dir",
                tmp.resolve("a-file").toString());
        expect("env-path-too-long", 2, "cannot write to the output folder", "quantize", "-c", cfg.toString(),
                "--output-dir", tmp.resolve("x".repeat(300)).resolve("out").toString());
        expect("env-master-malformed", 2, "--master", "quantize", "-c", cfg.toString(), "--output-dir",
                tmp.resolve("m0").toString(), "--master", "spark:/127.0.0.1:7077");
        expect("env-master-bad-local", 2, "local[", "quantize", "-c", cfg.toString(), "--output-dir",
                tmp.resolve("m1").toString(), "--master", "local[zero]");
        Npy.write(t.data.resolve("a.npy"), Tensor.ofFloats(new long[]{1, 3, 8, 8}, new float[192]));
        expect("env-master-unreachable", 2, "unreachable", "quantize", "-c", cfg.toString(), "--output-dir",
                tmp.resolve("m").toString(), "--master", "spark://127.0.0.1:1");
        storageCases(t, cfg);

        assertEquals(documentedCases(), checked, "docs/bad-input.md and this test list the same cases in order");
        try (Stream<Path> s = Files.walk(tmp)) {
            assertEquals(List.of(), s.filter(p -> p.getFileName().toString().equals("model.onnx"))
                    .filter(p -> !p.startsWith(earlier) && !p.getParent().getFileName().toString().startsWith("ok-"))
                    .toList(), "no model.onnx was written by a failing run");
        }
    }

    /**
     * Paths that name a file system: an unknown scheme, a scheme whose connector is not on the classpath, a NameNode
     * that does not answer, an HDFS output folder that holds a model; a Parquet table without the model input's
     * column. Each fails before any job.
     */
    private void storageCases(TinyRun t, Path cfg) throws Exception {
        String out = tmp.resolve("uri-out").toString();
        expect("env-uri-unknown-scheme", 2, "'frob'", "quantize", "-c", cfg.toString(), "--data-source",
                "frob://host/calib", "--output-dir", out);
        expect("env-uri-missing-connector", 2, "hadoop-aws", "quantize", "-c", cfg.toString(), "--output-dir",
                "s3a://bucket/out");
        expect("env-namenode-unreachable", 2, "cannot reach the file system hdfs://127.0.0.1:1", "quantize", "-c",
                cfg.toString(), "--model", "hdfs://127.0.0.1:1/models/tiny.onnx", "--output-dir", out);
        expect("env-uri-in-quick-mode", 2, "local path", "quantize", "-q", "default", "--model",
                t.model.toString(), "--data-source", "hdfs://127.0.0.1:1/calib", "--output-dir", out);
        dev.sparkptq.core.Location hdfs = dev.sparkptq.storage.MiniHdfs.folder("catalogue");
        dev.sparkptq.storage.Folder.of(hdfs).write("model.onnx", "earlier".getBytes(StandardCharsets.UTF_8));
        expect("env-output-uri-exists", 2, "--overwrite", "quantize", "-c", cfg.toString(), "--output-dir",
                hdfs.toString());
        Path table = tmp.resolve("no-x-table");
        float[][] rows = {new float[3 * 8 * 8], new float[3 * 8 * 8]};
        dev.sparkptq.spark.TestTables.writeSamples(rows, table, 1, "pixels");
        Path renamed = config(t, t.json(1, "performance").replace("\"type\": \"npy\"",
                "\"type\": \"table\""));
        expect("data-table-missing-column", 4, "no column 'x'", quantize(renamed, "--data-source",
                table.toString()));
        Path aaqTable = config(t, t.json(1, "performance").replace("\"type\": \"npy\"", "\"type\": \"table\"")
                .replace("\"DefaultQuantization\"", "\"AccuracyAwareQuantization\""));
        expect("config-aaq-table", 2, "AccuracyAwareQuantization with the table reader", quantize(aaqTable,
                "--data-source", table.toString()));
    }

    /**
     * Model inputs the readers cannot feed: quick mode's images for an input without a channel axis, for a model
     * with several inputs, for a tensor that is not an image; a dynamic or huge JSON-array dimension.
     */
    private void modelInputCases(TinyRun t) throws Exception {
        Path dyn = t.dir.resolve("dynamic.onnx");
        ModelIo.save(BadModels.withInputShape(TinyModels.convReluConv(), 1, 3, -1, -1), dyn);
        Path images = Files.createDirectories(tmp.resolve("dyn-images"));
        dev.sparkptq.data.BadImages.good(images.resolve("a.jpg"), "jpg", 16, 16, 1);
        Path fiveChannels = t.dir.resolve("five.onnx");
        ModelIo.save(BadModels.withInputShape(TinyModels.convReluConv(), 1, 5, 8, 8), fiveChannels);
        expect("quick-no-channel-axis", 2, "no axis of 1, 3 or 4 channels", "quantize", "-q", "default", "--model",
                fiveChannels.toString(), "--data-source", images.toString(), "--output-dir",
                tmp.resolve("q1").toString());
        Path two = t.dir.resolve("two.onnx");
        ModelIo.save(TinyModels.addTwoActivations(), two);
        expect("quick-several-inputs", 4, "one sub-folder per input (a/, b/)", "quantize", "-q", "default",
                "--model", two.toString(), "--data-source", images.toString(), "--output-dir",
                tmp.resolve("q2").toString());
        Path flat = t.dir.resolve("flat.onnx");
        ModelIo.save(TinyModels.matMulConstB(), flat);
        expect("quick-images-for-a-non-image-input", 4, "not an image tensor", "quantize", "-q", "default",
                "--model", flat.toString(), "--data-source", images.toString(), "--output-dir",
                tmp.resolve("q3").toString());
        Path json = Files.createDirectories(tmp.resolve("json"));
        Files.writeString(json.resolve("a.json"), "{\"data\": [0.5]}");
        String reader = "\"type\": \"json\", \"key\": \"data\"";
        Path cfg = config(t, t.json(1, "performance").replace("\"type\": \"npy\"", reader));
        expect("model-dynamic-dimension", 4, "dynamic dimension", quantize(cfg, "--model", dyn.toString(),
                "--data-source", json.toString()));
        Path huge = t.dir.resolve("huge.onnx");
        ModelIo.save(BadModels.withInputShape(TinyModels.convReluConv(), 1, 3, 1L << 20, 1L << 20), huge);
        expect("model-huge-input-dimension", 4, "elements", quantize(cfg, "--model", huge.toString(),
                "--data-source", json.toString()));
    }

    /**
     * Damaged image files (a real JPEG cut short, a real PNG with flipped bytes) fail the run naming the file; with
     * engine.skip_bad_samples they are skipped and reported, unless nothing is left.
     */
    private void damagedImageCases(TinyRun t, String good) throws Exception {
        String images = good.replace("\"type\": \"npy\"", "\"type\": \"image\", \"resize\": [8, 8]");
        Path dir = Files.createDirectories(tmp.resolve("damaged"));
        dev.sparkptq.data.BadImages.good(dir.resolve("a.jpg"), "jpg", 32, 24, 1);
        dev.sparkptq.data.BadImages.truncatedJpeg(dir.resolve("b.jpg"), 64, 48, 0.6);
        expect("data-truncated-jpeg", 4, "b.jpg is truncated or corrupt", quantize(config(t, images),
                "--data-source", dir.toString()));
        Files.delete(dir.resolve("b.jpg"));
        dev.sparkptq.data.BadImages.flippedPng(dir.resolve("c.png"), 64, 48);
        expect("data-corrupt-png", 4, "c.png", quantize(config(t, images), "--data-source", dir.toString()));
        dev.sparkptq.data.BadImages.truncatedJpeg(dir.resolve("b.jpg"), 64, 48, 0.6);
        String skipping = images.replace("\"num_partitions\": 1",
                "\"num_partitions\": 1, \"skip_bad_samples\": true");
        expectWarning("data-skip-bad-samples", "skipped 2 of 3 samples that do not decode", quantizeTo(
                tmp.resolve("ok-skip"), config(t, skipping), "--data-source", dir.toString()));
        Files.delete(dir.resolve("a.jpg"));
        expect("data-skip-every-sample-bad", 4, "every one of the 2 samples", quantize(config(t, skipping),
                "--data-source", dir.toString()));
    }

    /** The text reader: an empty text file, a malformed tokenizer.json. */
    private void textCases(TinyRun t) throws Exception {
        Path model = t.dir.resolve("text.onnx");
        ModelIo.save(BadModels.tokenIds(), model);
        Path text = Files.writeString(tmp.resolve("empty.txt"), "\n  \n");
        Path tokenizer = Files.writeString(tmp.resolve("tokenizer.json"), "{ \"model\": [ oops");
        String reader = "\"type\": \"text\", \"tokenizer\": \"" + tokenizer + "\", \"max_length\": 8";
        Path cfg = config(t, t.json(1, "performance").replace("\"type\": \"npy\"", reader));
        expect("data-empty-text", 4, "no non-blank lines", quantize(cfg, "--model", model.toString(),
                "--data-source", text.toString()));
        Files.writeString(text, "hello world\nsecond line\n");
        expect("data-tokenizer-malformed", 4, "tokenizer", quantize(cfg, "--model", model.toString(),
                "--data-source", text.toString()));
    }

    /** An NPY v1 header alone (no data), for dtype checks. */
    private static String npyHeader(String descr, String shape) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int len = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - len % 64) % 64) + "\n";
        return "\u0093NUMPY\u0001\u0000" + (char) (header.length() & 0xff) + (char) (header.length() >> 8) + header;
    }

    static List<String> documentedCases() throws Exception {
        List<String> ids = new ArrayList<>();
        Matcher m = Pattern.compile("^\\| `([a-z0-9-]+)` \\|", Pattern.MULTILINE)
                .matcher(Files.readString(Path.of("docs/bad-input.md")));
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    private static OnnxMl.ModelProto withOpset(OnnxMl.ModelProto m, int opset) {
        return m.toBuilder().clearOpsetImport().addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("")
                .setVersion(opset)).build();
    }

    /** convReluConv whose output goes through an Upsample-1 (experimental before opset 7: no conversion). */
    private static OnnxMl.ModelProto legacyUpsample() {
        OnnxMl.ModelProto m = TinyModels.convReluConv();
        OnnxMl.GraphProto.Builder g = m.getGraph().toBuilder();
        g.setNode(2, g.getNode(2).toBuilder().setOutput(0, "c2"));
        g.addNode(node("Upsample", "up", List.of("c2"), List.of("y"), TinyModels.floatAttr("height_scale", 1f),
                TinyModels.floatAttr("width_scale", 1f)));
        return m.toBuilder().setGraph(g).build();
    }

    private static OnnxMl.ModelProto reluOnly() {
        return TinyModels.model(13, OnnxMl.GraphProto.newBuilder().setName("relu")
                .addInput(floatInfo("x", 1, 3, 8, 8)).addOutput(floatInfo("y", 1, 3, 8, 8))
                .addNode(node("Relu", "relu", List.of("x"), List.of("y"))));
    }

    private static OnnxMl.ModelProto alreadyQuantized() {
        return TinyModels.model(13, OnnxMl.GraphProto.newBuilder().setName("q")
                .addInput(floatInfo("x", 1, 3, 8, 8)).addOutput(floatInfo("y", 1, 3, 8, 8))
                .addInitializer(TinyModels.floats("s", 3))
                .addNode(node("QuantizeLinear", "q", List.of("x", "s"), List.of("qx")))
                .addNode(node("DequantizeLinear", "dq", List.of("qx", "s"), List.of("y"))));
    }

    /** The tiny model with its first initializer moved to external data at {@code location}. */
    private static byte[] externalData(byte[] model, String location) throws Exception {
        OnnxMl.ModelProto m = OnnxMl.ModelProto.parseFrom(model);
        OnnxMl.TensorProto w = m.getGraph().getInitializer(0).toBuilder().clearRawData().clearFloatData()
                .setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL)
                .addExternalData(OnnxMl.StringStringEntryProto.newBuilder().setKey("location").setValue(location))
                .build();
        return m.toBuilder().setGraph(m.getGraph().toBuilder().setInitializer(0, w)).build().toByteArray();
    }

}
