package dev.sparkptq.cli;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.data.Npy;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.graph.TinyModels;
import dev.sparkptq.pipeline.TinyRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    private String[] quantize(Path config, String... extra) {
        List<String> argv = new ArrayList<>(List.of("quantize", "-c", config.toString(), "--output-dir",
                tmp.resolve("out-" + checked.size()).toString(), "--master", "local[1]"));
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
        ModelIo.save(withOpset(TinyModels.convReluConv(), 6), model);
        expect("model-opset-too-old", 3, "opset 6", quantize(cfg));
        ModelIo.save(reluOnly(), model);
        expect("model-nothing-to-quantize", 3, "nothing to quantize", quantize(cfg));
        ModelIo.save(alreadyQuantized(), model);
        expect("model-already-quantized", 3, "already quantized", quantize(cfg));
        Files.write(model, externalData(bytes, "../outside.bin"));
        expect("model-external-data-escapes", 3, "escapes", quantize(cfg));
        Files.write(model, externalData(bytes, "weights.bin"));
        expect("model-external-data-missing", 3, "weights.bin", quantize(cfg));
        Files.write(model, bytes);
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
        // environment
        Files.writeString(tmp.resolve("a-file"), "x");
        expect("env-output-not-writable", 2, "cannot write to the output folder", "quantize", "-c", cfg.toString(),
                "--output-dir", tmp.resolve("a-file").resolve("out").toString());
        Path earlier = Files.createDirectories(tmp.resolve("earlier"));
        Files.writeString(earlier.resolve("model.onnx"), "earlier");
        expect("env-output-exists", 2, "--overwrite", "quantize", "-c", cfg.toString(), "--output-dir",
                earlier.toString());
        Npy.write(t.data.resolve("a.npy"), Tensor.ofFloats(new long[]{1, 3, 8, 8}, new float[192]));
        expect("env-master-unreachable", 2, "unreachable", "quantize", "-c", cfg.toString(), "--output-dir",
                tmp.resolve("m").toString(), "--master", "spark://127.0.0.1:1");

        assertEquals(documentedCases(), checked, "docs/bad-input.md and this test list the same cases in order");
        try (Stream<Path> s = Files.walk(tmp)) {
            assertEquals(List.of(), s.filter(p -> p.getFileName().toString().equals("model.onnx"))
                    .filter(p -> !p.startsWith(earlier)).toList(), "no model.onnx was written by a failing run");
        }
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
