package dev.sparkptq.graph;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.sparkptq.core.ModelException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Model files in and out, digests, and the opset policy that decides whether a model can be quantized.
 *
 * <p>Loaded models are self-contained: external data is read into memory, so the proto can be broadcast, edited and
 * saved elsewhere. Protobuf messages cannot exceed 2 GB, so sizes are computed from the tensors rather than with
 * {@code getSerializedSize()}, which overflows on large models.
 */
public final class ModelIo {
    /** Initializer bytes above which {@link #save(OnnxMl.ModelProto, Path)} writes external data (2 GB minus margin). */
    public static final long DEFAULT_EXTERNAL_THRESHOLD = 1_800_000_000L;

    /** Nesting depth allowed while parsing: deep enough for nested If/Loop bodies, small enough to stop a bomb. */
    private static final int RECURSION_LIMIT = 500;

    /** Largest model file (the protobuf part) parsed: protobuf's own 2 GB message limit. */
    static final int MAX_PROTO_BYTES = Integer.MAX_VALUE;

    private ModelIo() {
    }

    /**
     * Parses an ONNX file and resolves its external data from the model's folder.
     *
     * @throws ModelException when the file is missing, not an ONNX model, truncated, or its external data is missing,
     *                        short or outside the model folder
     */
    public static OnnxMl.ModelProto load(Path modelFile) {
        OnnxMl.ModelProto model = parse(modelFile);
        try {
            return ExternalData.resolve(model, modelFile.toAbsolutePath().getParent().toRealPath());
        } catch (IOException e) {
            throw new ModelException("cannot resolve the folder of " + modelFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * The external-data files a model file names, relative to its folder, each checked against the confinement rule
     * ({@code graph/ExternalData}: relative, no scheme, no {@code ..}), without reading them: what a model fetched
     * from another file system needs copied next to it.
     *
     * @param modelFolder the model's folder as the user sees it (for messages)
     */
    public static List<String> externalDataLocations(Path modelFile, String modelFolder) {
        return ExternalData.locations(parse(modelFile), modelFolder);
    }

    /** Parses and checks the model file, external data not resolved. */
    private static OnnxMl.ModelProto parse(Path modelFile) {
        OnnxMl.ModelProto model;
        requireParsableSize(modelFile);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(modelFile), 1 << 16)) {
            CodedInputStream cis = CodedInputStream.newInstance(in);
            // explicit, not protobuf's default (64 MB in protobuf 2, Integer.MAX_VALUE in 3.x): the model file may
            // be up to 2 GB (checked above), its weights beyond that live in external data read by ExternalData
            cis.setSizeLimit(MAX_PROTO_BYTES);
            cis.setRecursionLimit(RECURSION_LIMIT);
            model = OnnxMl.ModelProto.parseFrom(cis);
        } catch (NoSuchFileException e) {
            throw new ModelException("model file " + modelFile + " does not exist; check the model path", e);
        } catch (InvalidProtocolBufferException e) {
            throw new ModelException(modelFile + " is not an ONNX model: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ModelException("cannot read model file " + modelFile + ": " + e.getMessage(), e);
        }
        if (model.getIrVersion() <= 0 || !model.hasGraph() || model.getGraph().getNodeCount() == 0) {
            throw new ModelException(modelFile + " is not an ONNX model: " + (model.getIrVersion() <= 0
                    ? "it declares no ir_version" : "its graph has no nodes") + "; pass an exported .onnx file");
        }
        ModelChecks.check(model);
        return model;
    }

    /**
     * A protobuf message cannot exceed 2 GB, and a stream parser would read a larger file up to the limit before
     * failing: refuse it up front with the remedy (models above 2 GB keep their weights in external data).
     */
    private static void requireParsableSize(Path modelFile) {
        try {
            long size = Files.size(modelFile);
            if (size > MAX_PROTO_BYTES) {
                throw new ModelException(modelFile + " is " + size + " bytes, more than one protobuf message can hold "
                        + "(2 GB); save the model with its weights as external data (onnx.save_model(..., "
                        + "save_as_external_data=True))");
            }
        } catch (NoSuchFileException e) {
            throw new ModelException("model file " + modelFile + " does not exist; check the model path", e);
        } catch (IOException e) {
            throw new ModelException("cannot read model file " + modelFile + ": " + e.getMessage(), e);
        }
    }

    /** Saves with the default external-data threshold ({@link #DEFAULT_EXTERNAL_THRESHOLD}). */
    public static void save(OnnxMl.ModelProto model, Path file) {
        save(model, file, DEFAULT_EXTERNAL_THRESHOLD);
    }

    /**
     * Saves the model; when its initializers exceed {@code externalThresholdBytes} (capped at the default, since
     * protobuf cannot hold more), every initializer of at least 1 KiB goes to {@code <file name>.data} next to it.
     * The write goes through a temporary file, so a failed save never leaves a half-written model behind.
     */
    public static void save(OnnxMl.ModelProto model, Path file, long externalThresholdBytes) {
        ModelWriter.save(model, file, externalThresholdBytes);
    }

    /** Serialized model, for in-memory sessions. @throws ModelException above protobuf's 2 GB limit. */
    public static byte[] toBytes(OnnxMl.ModelProto model) {
        long weights = initializerBytes(model);
        if (weights > DEFAULT_EXTERNAL_THRESHOLD) {
            throw new ModelException("the model holds " + weights + " bytes of weights, more than one protobuf "
                    + "message can (2 GB); save it with ModelIo.save (external data) and load it by path");
        }
        int size = model.getSerializedSize();
        if (size < 0) {
            throw new ModelException("the model is larger than 2 GB; save it with ModelIo.save and load it by path");
        }
        return model.toByteArray();
    }

    /** Total bytes of the main graph's initializer data (raw or typed). */
    public static long initializerBytes(OnnxMl.ModelProto model) {
        long total = 0;
        for (OnnxMl.TensorProto t : model.getGraph().getInitializerList()) {
            total += TensorProtos.dataBytes(t);
        }
        return total;
    }

    /** Lower-case hex SHA-256 of the bytes. */
    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    /** Lower-case hex SHA-256 of a file, streamed (works for files of any size). */
    public static String sha256(Path file) {
        MessageDigest md = digest();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                md.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new ModelException("cannot read " + file + " to compute its digest: " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Version of the default ONNX domain ({@code ""} or {@code ai.onnx}) the model imports; 0 when absent. */
    public static int opset(OnnxMl.ModelProto model) {
        return OpsetPolicy.opset(model);
    }

    /** True when per-channel Q/DQ (the {@code axis} attribute, opset 13) can be used. */
    public static boolean supportsPerChannel(OnnxMl.ModelProto model) {
        return opset(model) >= OpsetPolicy.PER_CHANNEL_OPSET;
    }

    /**
     * Returns a copy ready for quantization — the graph-level part of model preparation (the pipeline runs the full
     * {@code algorithms.prepare.ModelPreparation}): reads a pre-opset_import (IR 1–2) model at opset 1; rejects
     * opsets above 23; converts opset 1..12 models to opset 13 (ops whose meaning is unchanged are relabelled,
     * attributes that became inputs and ops whose meaning changed are rewritten exactly; see {@code OpsetUpgrade}),
     * keeps opset 10..12 models with an op the converter refuses (per-tensor weights only), rejects older ones;
     * raises the IR version to what the opset needs; drops initializers from the graph inputs; folds constant-only
     * nodes into initializers ({@link ConstantFolding}); names unnamed nodes {@code <OpType>_<n>} and makes names
     * unique.
     */
    public static OnnxMl.ModelProto prepareForQuantization(OnnxMl.ModelProto model) {
        return OpsetPolicy.prepare(model);
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM provides SHA-256", e);
        }
    }
}
