package dev.sparkptq.graph;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.Tensor;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Test helper: runs a model in ONNX Runtime without graph optimizations (so Q/DQ pairs run as written, not fused)
 * and returns every float output.
 */
public final class OrtRunner {
    private OrtRunner() {
    }

    public static Map<String, float[]> run(OnnxMl.ModelProto model, Map<String, Tensor> inputs) {
        return run(ModelIo.toBytes(model), null, inputs);
    }

    public static Map<String, float[]> run(Path modelFile, Map<String, Tensor> inputs) {
        return run(null, modelFile, inputs);
    }

    private static Map<String, float[]> run(byte[] bytes, Path file, Map<String, Tensor> inputs) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            opts.setIntraOpNumThreads(1);
            try (OrtSession session = bytes != null ? env.createSession(bytes, opts)
                    : env.createSession(file.toString(), opts)) {
                Map<String, OnnxTensor> feed = new LinkedHashMap<>();
                try {
                    for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
                        feed.put(e.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(e.getValue().floats()),
                                e.getValue().shape()));
                    }
                    try (OrtSession.Result result = session.run(feed)) {
                        Map<String, float[]> out = new LinkedHashMap<>();
                        for (Map.Entry<String, OnnxValue> e : result) {
                            FloatBuffer fb = ((OnnxTensor) e.getValue()).getFloatBuffer();
                            float[] a = new float[fb.remaining()];
                            fb.get(a);
                            out.put(e.getKey(), a);
                        }
                        return out;
                    }
                } finally {
                    feed.values().forEach(OnnxTensor::close);
                }
            }
        } catch (OrtException e) {
            throw new AssertionError("ONNX Runtime failed: " + e.getMessage(), e);
        }
    }
}
