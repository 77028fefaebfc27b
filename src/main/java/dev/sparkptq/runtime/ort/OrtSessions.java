package dev.sparkptq.runtime.ort;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.OrtSession.SessionOptions.ExecutionMode;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.ModelException;
import dev.sparkptq.runtime.EngineOptions;
import dev.sparkptq.runtime.InferenceEngine;
import dev.sparkptq.runtime.ModelBlob;

import java.nio.file.Path;
import java.util.function.Supplier;

/** Builds ORT sessions from typed options; the only place that knows how spark-ptq sets ORT's knobs. */
final class OrtSessions {
    private OrtSessions() {
    }

    static OrtInferenceEngine open(ModelBlob blob, EngineOptions options, Supplier<InferenceEngine> current) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (SessionOptions so = sessionOptions(options)) {
            OrtSession session = create(env, blob, so);
            try {
                return new OrtInferenceEngine(env, session, current);
            } catch (OrtException | RuntimeException e) {
                closeQuietly(session, e);
                throw e;
            }
        } catch (OrtException e) {
            throw cannotLoad(blob, e);
        }
    }

    /** Lets ORT apply every graph rewrite and save the result, so fusions can be inspected offline. */
    static void writeOptimized(ModelBlob blob, EngineOptions options, Path out) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (SessionOptions so = sessionOptions(options)) {
            so.setOptimizedModelFilePath(out.toAbsolutePath().toString());
            create(env, blob, so).close();
        } catch (OrtException e) {
            throw cannotLoad(blob, e);
        }
    }

    /**
     * Intra-op threads as the task was sized (0 = ORT's default, one per core); inter-op 1 and sequential
     * execution because Spark already runs one task per core and nested parallelism only oversubscribes.
     */
    static SessionOptions sessionOptions(EngineOptions options) throws OrtException {
        if (options.intraOpThreads() < 0) {
            throw new ConfigException("intra-op threads must be >= 0 (0 = ONNX Runtime default), got "
                    + options.intraOpThreads());
        }
        SessionOptions so = new SessionOptions();
        try {
            // ORT's warnings (e.g. unused initializers of a user's model) are not actionable here, and every error
            // also comes back as the OrtException that spark-ptq turns into its one error line: a native
            // "[E:onnxruntime:…]" line on the console would only repeat it
            so.setSessionLogLevel(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL);
            if (options.intraOpThreads() > 0) {
                so.setIntraOpNumThreads(options.intraOpThreads());
            }
            so.setInterOpNumThreads(1);
            so.setExecutionMode(ExecutionMode.SEQUENTIAL);
            so.setOptimizationLevel(optLevel(options.optimization()));
            so.setMemoryPatternOptimization(true);
            return so;
        } catch (OrtException | RuntimeException e) {
            so.close();
            throw e;
        }
    }

    static OptLevel optLevel(EngineOptions.Optimization optimization) {
        return switch (optimization) {
            case NONE -> OptLevel.NO_OPT;
            case ALL -> OptLevel.ALL_OPT;
        };
    }

    /** From bytes when the blob carries them; from the path otherwise, so ORT resolves external data next to it. */
    static OrtSession create(OrtEnvironment env, ModelBlob blob, SessionOptions so) throws OrtException {
        return blob.bytes() != null
                ? env.createSession(blob.bytes(), so)
                : env.createSession(blob.path(), so);
    }

    private static ModelException cannotLoad(ModelBlob blob, OrtException e) {
        String source = blob.bytes() != null ? blob.bytes().length + " bytes" : "file " + blob.path();
        return new ModelException("ONNX Runtime cannot load the model: " + OrtMessages.oneLine(e) + " (model "
                + blob.digest() + " from " + source + "); check that it is a valid ONNX file whose opset and"
                + " operators ONNX Runtime supports", e);
    }

    private static void closeQuietly(OrtSession session, Exception primary) {
        try {
            session.close();
        } catch (OrtException suppressed) {
            primary.addSuppressed(suppressed);
        }
    }
}
