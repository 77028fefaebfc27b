package dev.sparkptq.zoo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.data.Npy;
import dev.sparkptq.runtime.InferenceEngine;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Makes each model's calibration data (from ../shared/data/coco-val2017-100, or the calibration half of speech and
 * digits) and held-out data (other images: ../shared/data/imagenet-sample; other sentences and voices; other digits)
 * as NPY folders the tool reads with {@code engine.reader.type: npy}:
 * <pre>
 *   ROOT/&lt;model&gt;/calib/s0000.npy ...            one input: one file per sample
 *   ROOT/&lt;model&gt;/calib/&lt;input&gt;/s0000.npy ...    several inputs: a sub-folder per input (the reader's inputs map)
 *   ROOT/&lt;model&gt;/eval/...                        the held-out samples, same layout
 *   ROOT/&lt;model&gt;/config.json                     model + npy reader (+ inputs map), calib as data_source, eval as
 *                                                  eval_data_source: for quantize -c and benchmark evaluate --config
 *   ROOT/&lt;model&gt;/zoo-data.json                   what was made and how (kept when it matches: no re-generation)
 * </pre>
 */
public final class ZooData {
    /** Bumped when the generated data changes, so stale folders are made again. */
    static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path shared;
    private final Path root;
    private final Map<TextImages.Split, List<float[]>> speech = new java.util.EnumMap<>(TextImages.Split.class);

    public ZooData(Path shared, Path root) {
        this.shared = shared;
        this.root = root;
    }

    /** Where a model's data lands. */
    public Path dir(ZooModel m) {
        return root.resolve(m.name());
    }

    /** Makes (or keeps, when already made with the same counts) the model's data; returns its folder. */
    public Path generate(ZooModel m, int calibration, int heldOut) {
        Path dir = dir(m);
        Path manifest = dir.resolve("zoo-data.json");
        if (current(manifest, calibration, heldOut)) {
            return dir;
        }
        try {
            deleteTree(dir);
            List<Map<String, Tensor>> calib = samples(m, TextImages.Split.CALIBRATION, calibration);
            List<Map<String, Tensor>> eval = samples(m, TextImages.Split.HELD_OUT, heldOut);
            List<String> inputs = List.copyOf(calib.get(0).keySet());
            write(dir.resolve("calib"), calib, inputs);
            write(dir.resolve("eval"), eval, inputs);
            Files.writeString(dir.resolve("config.json"), config(m, dir, inputs));
            ObjectNode info = JSON.createObjectNode();
            info.put("version", VERSION).put("model", m.file().toString()).put("feed", m.feed().name())
                    .put("calibration", calib.size()).put("held_out", eval.size())
                    .put("requested_calibration", calibration).put("requested_held_out", heldOut);
            if (m.feed().ordinal() >= ZooModel.Feed.MEL.ordinal()) {
                info.put("speech", Speech.source());
            }
            info.putPOJO("inputs", inputs);
            Files.writeString(manifest, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(info));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<Map<String, Tensor>> samples(ZooModel m, TextImages.Split split, int n) {
        boolean calib = split == TextImages.Split.CALIBRATION;
        Path photos = shared.resolve(calib ? "data/coco-val2017-100" : "data/imagenet-sample");
        return switch (m.feed()) {
            case IMAGE -> single("image", ImageSamples.load(m, photos, n));
            case MNIST -> single("image", Mnist.digits(shared.resolve("data/mnist"), split, n));
            case TEXT_LINE -> single("x", rendered(photos, split, n, (p, r) -> TextImages.line(p.photo, p.fonts, r,
                    p.index % 2 == 1)));
            case TEXT_SCENE -> single("x", rendered(photos, split, n, (p, r) -> TextImages.scene(p.photo, p.fonts,
                    r)));
            case MEL -> single("input", ImageSamples.evenly(pcmWindows(split), n));
            case EMBEDDING -> single("input_1", ImageSamples.evenly(melWindows(split), n));
            case WAKEWORD -> single("x.1", ImageSamples.evenly(embeddingWindows(split), n));
            case VAD -> ImageSamples.evenly(vadChunks(split), n);
        };
    }

    private static List<Map<String, Tensor>> single(String input, List<Tensor> tensors) {
        return tensors.stream().map(t -> Map.of(input, t)).toList();
    }

    /** What a renderer gets for sample {@code index}: a photo and the split's fonts. */
    record Page(BufferedImage photo, List<java.awt.Font> fonts, int index) {
    }

    private static List<Tensor> rendered(Path photos, TextImages.Split split, int n,
                                         java.util.function.BiFunction<Page, SplittableRandom, Tensor> render) {
        List<Path> files = ImageSamples.evenly(list(photos), n);
        List<java.awt.Font> fonts = TextImages.fonts(split);
        SplittableRandom rnd = new SplittableRandom(split == TextImages.Split.CALIBRATION ? 5 : 17);
        List<Tensor> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            BufferedImage photo = TextImages.read(files.get(i % files.size()));
            out.add(render.apply(new Page(photo, fonts, i), rnd.split()));
        }
        return out;
    }

    private List<float[]> speech(TextImages.Split split) {
        return speech.computeIfAbsent(split, s -> Speech.utterances(s, s == TextImages.Split.CALIBRATION ? 24 : 16,
                3.0, root.resolve(".speech-" + s.name().toLowerCase(java.util.Locale.ROOT))));
    }

    private List<Tensor> pcmWindows(TextImages.Split split) {
        List<Tensor> out = new ArrayList<>();
        for (float[] u : speech(split)) {
            for (int start = 0; start + Speech.RATE <= u.length; start += Speech.RATE / 2) {
                out.add(AudioChain.pcmWindow(u, start));
            }
        }
        return out;
    }

    private List<Tensor> melWindows(TextImages.Split split) {
        return upstream(split, frames -> AudioChain.melWindows(frames));
    }

    private List<Tensor> embeddingWindows(TextImages.Split split) {
        InferenceEngine embedding = AudioChain.open(zoo("oww-embedding.onnx"));
        return upstream(split, frames -> AudioChain.embeddingWindows(AudioChain.embed(embedding,
                AudioChain.melWindows(frames))));
    }

    private List<Tensor> upstream(TextImages.Split split, Function<float[][], List<Tensor>> fromFrames) {
        List<Tensor> out = new ArrayList<>();
        InferenceEngine mel = AudioChain.open(zoo("oww-melspectrogram.onnx"));
        for (float[] u : speech(split)) {
            out.addAll(fromFrames.apply(AudioChain.mel(mel, u)));
        }
        return out;
    }

    private List<Map<String, Tensor>> vadChunks(TextImages.Split split) {
        List<Map<String, Tensor>> out = new ArrayList<>();
        InferenceEngine vad = AudioChain.open(zoo("silero-vad.onnx"));
        for (float[] u : speech(split)) {
            out.addAll(AudioChain.vadChunks(vad, u));
        }
        return out;
    }

    private Path zoo(String file) {
        return shared.resolve("models/zoo").resolve(file);
    }

    private static void write(Path dir, List<Map<String, Tensor>> samples, List<String> inputs) throws IOException {
        for (String input : inputs) {
            Path d = inputs.size() == 1 ? dir : dir.resolve(folder(input));
            Files.createDirectories(d);
            for (int i = 0; i < samples.size(); i++) {
                Npy.write(d.resolve(String.format("s%04d.npy", i)), samples.get(i).get(input));
            }
        }
    }

    /** An input's sub-folder: its name with characters other than letters, digits, '.', '_' and '-' as '_'. */
    static String folder(String input) {
        return input.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static String config(ZooModel m, Path dir, List<String> inputs) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("model").put("model_name", m.name()).put("model", m.file().toAbsolutePath().toString());
        ObjectNode engine = root.putObject("engine");
        engine.put("data_source", dir.resolve("calib").toAbsolutePath().toString());
        engine.put("eval_data_source", dir.resolve("eval").toAbsolutePath().toString());
        ObjectNode reader = engine.putObject("reader").put("type", "npy");
        if (inputs.size() > 1) {
            ObjectNode map = reader.putObject("inputs");
            inputs.forEach(i -> map.put(i, folder(i)));
        }
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }

    private static boolean current(Path manifest, int calibration, int heldOut) {
        if (!Files.isRegularFile(manifest)) {
            return false;
        }
        try {
            JsonNode n = JSON.readTree(manifest.toFile());
            return n.path("version").asInt() == VERSION && n.path("requested_calibration").asInt() == calibration
                    && n.path("requested_held_out").asInt() == heldOut;
        } catch (IOException e) {
            return false;
        }
    }

    static List<Path> list(Path folder) {
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
