package dev.sparkptq.api;

import java.nio.file.Path;

/**
 * Loading and saving models: POT's {@code load_model}, {@code save_model} and {@code compress_model_weights}.
 * External data (models over 2 GB) is read on load and written on save as {@code <file name>.data} next to the
 * model.
 */
public final class ModelIo {
    private ModelIo() {
    }

    /**
     * Reads an ONNX file and its external data.
     *
     * @throws dev.sparkptq.core.ModelException when the file is missing or not an ONNX model
     */
    public static OnnxModel load(Path file) {
        String fileName = file.getFileName().toString();
        String name = fileName.endsWith(".onnx") ? fileName.substring(0, fileName.length() - 5) : fileName;
        return OnnxModel.of(dev.sparkptq.graph.ModelIo.load(file), name);
    }

    /**
     * Saves {@code model} to {@code file} (atomically); weights go to external data only when the model needs it
     * (over ~1.8 GB of initializers, protobuf's limit).
     */
    public static void save(OnnxModel model, Path file) {
        dev.sparkptq.graph.ModelIo.save(model.proto(), file);
    }

    /** Saves {@code model} with every initializer of at least 1 KiB in {@code <file name>.data} next to it. */
    public static void saveWithExternalData(OnnxModel model, Path file) {
        dev.sparkptq.graph.ModelIo.save(model.proto(), file, 0);
    }

    /**
     * Stores the weights of a quantized model as integers: every QuantizeLinear whose input, scale and zero point
     * are initializers is computed offline and replaced by its integer result, which then feeds the
     * DequantizeLinear directly (about 4× smaller for int8). The outputs are unchanged: the stored integers are
     * exactly what QuantizeLinear would compute at run time. A model quantized with the default
     * {@code compress_weights: true} is already compressed and is returned unchanged.
     */
    public static OnnxModel compressModelWeights(OnnxModel model) {
        return OnnxModel.of(WeightCompression.apply(model.proto()), model.name());
    }
}
