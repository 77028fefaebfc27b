package dev.sparkptq.graph;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.ModelException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a model either as one protobuf file or, when its weights are too large for protobuf's 2 GB message limit,
 * as a small protobuf file plus {@code <name>.data} holding every initializer of at least 1 KiB at 4 KiB-aligned
 * offsets (the layout ONNX Runtime reads, and memory-maps, directly).
 */
final class ModelWriter {
    static final int MIN_EXTERNAL_BYTES = 1024;
    static final int ALIGNMENT = 4096;

    private ModelWriter() {
    }

    static void save(OnnxMl.ModelProto model, Path file, long externalThresholdBytes) {
        for (OnnxMl.TensorProto t : model.getGraph().getInitializerList()) {
            if (t.getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL) {
                throw new ModelException("initializer '" + t.getName() + "' still points to external data; load "
                        + "the model with ModelIo.load before saving it");
            }
        }
        long threshold = Math.min(externalThresholdBytes, ModelIo.DEFAULT_EXTERNAL_THRESHOLD);
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(dir);
            OnnxMl.ModelProto toWrite = model;
            if (ModelIo.initializerBytes(model) > threshold) {
                toWrite = externalize(model, file.getFileName().toString(), dir);
            }
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                CodedOutputStream cos = CodedOutputStream.newInstance(out);
                toWrite.writeTo(cos);
                cos.flush();
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new ModelException("cannot write model file " + file + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort clean-up of a failed write
            }
        }
    }

    private static OnnxMl.ModelProto externalize(OnnxMl.ModelProto model, String fileName, Path dir)
            throws IOException {
        String location = fileName + ".data";
        OnnxMl.GraphProto.Builder g = model.getGraph().toBuilder();
        long position = 0;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(dir.resolve(location)), 1 << 20)) {
            for (int i = 0; i < g.getInitializerCount(); i++) {
                OnnxMl.TensorProto t = g.getInitializer(i);
                ByteString raw = rawBytes(t);
                if (raw == null || raw.size() < MIN_EXTERNAL_BYTES) {
                    continue;
                }
                position = ExternalData.pad(out, position, ALIGNMENT);
                raw.writeTo(out);
                g.setInitializer(i, external(t, location, position, raw.size()));
                position += raw.size();
            }
        }
        return model.toBuilder().setGraph(g).build();
    }

    /** The tensor's data as little-endian raw bytes, or null when it cannot be converted (kept inline). */
    private static ByteString rawBytes(OnnxMl.TensorProto t) {
        if (t.hasRawData()) {
            return t.getRawData();
        }
        if (DType.fromOnnx(t.getDataType()) == null) {
            return null;
        }
        return TensorProtos.fromTensor(t.getName(), TensorProtos.toTensor(t)).getRawData();
    }

    private static OnnxMl.TensorProto external(OnnxMl.TensorProto t, String location, long offset, long length) {
        return t.toBuilder().clearRawData().clearFloatData().clearInt32Data().clearInt64Data().clearDoubleData()
                .clearUint64Data().setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL)
                .addExternalData(entry("location", location))
                .addExternalData(entry("offset", Long.toString(offset)))
                .addExternalData(entry("length", Long.toString(length)))
                .build();
    }

    private static OnnxMl.StringStringEntryProto entry(String key, String value) {
        return OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }
}
