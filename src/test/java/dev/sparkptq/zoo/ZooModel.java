package dev.sparkptq.zoo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A model of the zoo and how its samples are made (the preprocessing of ../shared/models/zoo/README.md and
 * ../shared/models/README.md).
 *
 * @param name    short name (folder names, table rows)
 * @param file    the FP32 ONNX file
 * @param feed    how samples are made
 * @param reader  for {@link Feed#IMAGE}: the project's image-reader JSON that is the model's preprocessing
 * @param inputShape for {@link Feed#IMAGE}: the tensor shape the reader produces (before {@link #post})
 * @param post    what is done to the reader's tensor afterwards
 */
public record ZooModel(String name, Path file, Feed feed, String reader, long[] inputShape, Post post) {
    /** Where a model's samples come from. */
    public enum Feed {
        /** photos through the project's image reader */
        IMAGE,
        /** MNIST digits from ../shared/data/mnist */
        MNIST,
        /** rendered text lines on photo backgrounds, [1,3,48,192], half of them upside down */
        TEXT_LINE,
        /** photos with rendered text blocks, 640×640 */
        TEXT_SCENE,
        /** speech PCM in int16 range, [1, 16000] */
        MEL,
        /** 76 FP32 mel frames of speech, x/10 + 2, [1,76,32,1] */
        EMBEDDING,
        /** 16 FP32 speech embeddings, [1,16,96] */
        WAKEWORD,
        /** 512-sample speech chunks with sr and the FP32 model's carried LSTM state */
        VAD
    }

    /** A step after the image reader. */
    public enum Post {
        NONE,
        /** NHWC: append a constant-1 fourth channel (M-LSD) */
        ALPHA_ONE,
        /** NCHW RGB 0..255 → the Y channel of YCbCr (super-resolution) */
        LUMA
    }

    static ZooModel image(String name, Path file, String reader, long[] shape, Post post) {
        return new ZooModel(name, file, Feed.IMAGE, reader, shape, post);
    }

    static ZooModel of(String name, Path file, Feed feed) {
        return new ZooModel(name, file, feed, null, null, Post.NONE);
    }

    /** Every model of the zoo plus the three older real models whose files exist under {@code shared}. */
    public static List<ZooModel> all(Path shared) {
        Path zoo = shared.resolve("models/zoo");
        Path models = shared.resolve("models");
        String imagenet = "\"scale\": 255, \"mean\": [0.485, 0.456, 0.406], \"std\": [0.229, 0.224, 0.225]";
        List<ZooModel> all = List.of(
                image("squeezenet", models.resolve("squeezenet1.1.onnx"),
                        "{\"resize_shorter\": 256, \"center_crop\": 224, " + imagenet + "}",
                        new long[] {1, 3, 224, 224}, Post.NONE),
                of("mnist", models.resolve("mnist-8.onnx"), Feed.MNIST),
                image("yolox-nano", models.resolve("yolox_nano.onnx"),
                        "{\"letterbox\": 416, \"letterbox_fill\": 114, \"color\": \"BGR\"}",
                        new long[] {1, 3, 416, 416}, Post.NONE),
                of("ppocr-v4-det", zoo.resolve("ppocr-v4-det.onnx"), Feed.TEXT_SCENE),
                of("ppocr-mobile-v2-cls", zoo.resolve("ppocr-mobile-v2-cls.onnx"), Feed.TEXT_LINE),
                image("ultraface-rfb-320", zoo.resolve("ultraface-rfb-320.onnx"),
                        "{\"resize\": [240, 320], \"mean\": [127, 127, 127], \"std\": [128, 128, 128]}",
                        new long[] {1, 3, 240, 320}, Post.NONE),
                image("blazeface-front-128", zoo.resolve("blazeface-front-128.onnx"),
                        "{\"resize\": [128, 128], \"scale\": 127.5, \"mean\": [1, 1, 1], \"layout\": \"NHWC\"}",
                        new long[] {1, 128, 128, 3}, Post.NONE),
                image("mlsd-tiny-512", zoo.resolve("mlsd-tiny-512.onnx"),
                        "{\"resize\": [512, 512], \"layout\": \"NHWC\"}", new long[] {1, 512, 512, 3},
                        Post.ALPHA_ONE),
                image("facemesh-landmark-192", zoo.resolve("facemesh-landmark-192.onnx"),
                        "{\"resize_shorter\": 192, \"center_crop\": 192, \"scale\": 127.5, \"mean\": [1, 1, 1]}",
                        new long[] {1, 3, 192, 192}, Post.NONE),
                image("superres-ir1-legacy", zoo.resolve("superres-ir1-legacy.onnx"),
                        "{\"resize\": [224, 224]}", new long[] {1, 3, 224, 224}, Post.LUMA),
                of("oww-melspectrogram", zoo.resolve("oww-melspectrogram.onnx"), Feed.MEL),
                of("oww-embedding", zoo.resolve("oww-embedding.onnx"), Feed.EMBEDDING),
                of("oww-hey-jarvis", zoo.resolve("oww-hey-jarvis.onnx"), Feed.WAKEWORD),
                of("silero-vad", zoo.resolve("silero-vad.onnx"), Feed.VAD));
        List<ZooModel> present = new ArrayList<>();
        for (ZooModel m : all) {
            if (Files.isRegularFile(m.file())) {
                present.add(m);
            }
        }
        return present;
    }

    /** The models named in {@code names} (comma-separated, in that order; empty or "all" = every one). */
    public static List<ZooModel> select(Path shared, String names) {
        List<ZooModel> all = all(shared);
        if (names == null || names.isBlank() || names.equals("all")) {
            return all;
        }
        List<String> wanted = List.of(names.split(","));
        for (String w : wanted) {
            if (all.stream().noneMatch(m -> m.name().equals(w.strip()))) {
                throw new IllegalArgumentException("no zoo model '" + w + "'; models: "
                        + all.stream().map(ZooModel::name).toList());
            }
        }
        return wanted.stream().map(w -> all.stream().filter(m -> m.name().equals(w.strip())).findFirst()
                .orElseThrow()).toList();
    }
}
