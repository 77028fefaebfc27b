package dev.sparkptq.pipeline;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.runtime.ModelBlob;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Turns an in-memory model into what executors receive: bytes for models under the protobuf limit, otherwise a
 * file with external data staged in the run's work folder (executors must see that path: local mode, or a shared
 * file system on a cluster).
 */
final class Blobs {
    /** Beyond this many initializer bytes a model is staged on disk with external data. */
    static final long INLINE_LIMIT = 1_800_000_000L;

    private Blobs() {
    }

    static ModelBlob of(OnnxMl.ModelProto model, Path stagingDir) {
        if (ModelIo.initializerBytes(model) < INLINE_LIMIT) {
            byte[] bytes = ModelIo.toBytes(model);
            return ModelBlob.ofBytes(ModelIo.sha256(bytes), bytes);
        }
        try {
            Files.createDirectories(stagingDir);
            Path file = stagingDir.resolve("model.onnx");
            ModelIo.save(model, file);
            return ModelBlob.ofPath(ModelIo.sha256(file) + "@" + file, file);
        } catch (IOException e) {
            throw new InternalException("cannot stage a large model in " + stagingDir + ": " + e.getMessage(), e);
        }
    }
}
