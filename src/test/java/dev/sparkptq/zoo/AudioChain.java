package dev.sparkptq.zoo;

import dev.sparkptq.core.Tensor;
import dev.sparkptq.runtime.EngineOptions;
import dev.sparkptq.runtime.InferenceEngine;
import dev.sparkptq.runtime.ModelBlob;
import dev.sparkptq.runtime.ort.OrtEngineFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The inputs of audio models that sit downstream of other models, made the way the deployed chain makes them: the
 * FP32 upstream models run through the project's runtime seam (ONNX Runtime). openWakeWord: PCM → melspectrogram →
 * {@code x/10 + 2} → 76-frame windows every 8 frames → embedding → 16 consecutive embeddings → wake-word head.
 * Silero VAD: 512-sample chunks in [−1, 1] with {@code sr} = 16000 and the h/c state the FP32 model carried from the
 * previous chunk of the same utterance.
 */
final class AudioChain {
    static final int MEL_WINDOW = 76;
    static final int MEL_STEP = 8;
    static final int EMBEDDINGS = 16;
    static final int VAD_CHUNK = 512;

    private AudioChain() {
    }

    /** The FP32 model's engine from the factory's per-JVM cache (the cache owns it: never close it). */
    static InferenceEngine open(Path model) {
        return new OrtEngineFactory().open(ModelBlob.ofPath("zoo-fp32@" + model.toAbsolutePath(), model),
                EngineOptions.forInference(1));
    }

    /** One utterance's mel frames [frames][32], already scaled as the embedding model wants ({@code x/10 + 2}). */
    static float[][] mel(InferenceEngine melModel, float[] pcm) {
        Tensor in = Tensor.ofFloats(new long[] {1, pcm.length}, pcm);
        String out = melModel.outputs().get(0).name();
        Tensor t = melModel.run(Map.of(melModel.inputs().get(0).name(), in), List.of(out)).get(out);
        float[] v = t.toFloats();
        int bins = (int) t.shape()[t.rank() - 1];
        float[][] frames = new float[v.length / bins][bins];
        for (int f = 0; f < frames.length; f++) {
            for (int b = 0; b < bins; b++) {
                frames[f][b] = v[f * bins + b] / 10f + 2f;
            }
        }
        return frames;
    }

    /** The embedding model's inputs of one utterance: [1,76,32,1] windows every 8 frames. */
    static List<Tensor> melWindows(float[][] frames) {
        List<Tensor> out = new ArrayList<>();
        int bins = frames.length == 0 ? 0 : frames[0].length;
        for (int start = 0; start + MEL_WINDOW <= frames.length; start += MEL_STEP) {
            float[] w = new float[MEL_WINDOW * bins];
            for (int f = 0; f < MEL_WINDOW; f++) {
                System.arraycopy(frames[start + f], 0, w, f * bins, bins);
            }
            out.add(Tensor.ofFloats(new long[] {1, MEL_WINDOW, bins, 1}, w));
        }
        return out;
    }

    /** The FP32 embedding of each window. */
    static List<float[]> embed(InferenceEngine embedding, List<Tensor> windows) {
        String in = embedding.inputs().get(0).name();
        String out = embedding.outputs().get(0).name();
        List<float[]> result = new ArrayList<>();
        for (Tensor w : windows) {
            result.add(embedding.run(Map.of(in, w), List.of(out)).get(out).toFloats());
        }
        return result;
    }

    /** The wake-word head's inputs of one utterance: [1,16,96] of consecutive embeddings, every position. */
    static List<Tensor> embeddingWindows(List<float[]> embeddings) {
        List<Tensor> out = new ArrayList<>();
        for (int start = 0; start + EMBEDDINGS <= embeddings.size(); start++) {
            int dim = embeddings.get(0).length;
            float[] w = new float[EMBEDDINGS * dim];
            for (int e = 0; e < EMBEDDINGS; e++) {
                System.arraycopy(embeddings.get(start + e), 0, w, e * dim, dim);
            }
            out.add(Tensor.ofFloats(new long[] {1, EMBEDDINGS, dim}, w));
        }
        return out;
    }

    /** One second of PCM starting at {@code start} (int16 range), [1, 16000]. */
    static Tensor pcmWindow(float[] pcm, int start) {
        float[] w = new float[Speech.RATE];
        System.arraycopy(pcm, start, w, 0, Math.min(Speech.RATE, pcm.length - start));
        return Tensor.ofFloats(new long[] {1, Speech.RATE}, w);
    }

    /**
     * Silero VAD's inputs for every 512-sample chunk of one utterance, with the state the FP32 model carried from
     * the previous chunk (zeros for the first).
     */
    static List<Map<String, Tensor>> vadChunks(InferenceEngine vad, float[] pcm) {
        long[] stateShape = {2, 1, 64};
        Tensor h = Tensor.ofFloats(stateShape, new float[128]);
        Tensor c = Tensor.ofFloats(stateShape, new float[128]);
        Tensor sr = Tensor.ofLongs(new long[0], new long[] {Speech.RATE});
        List<Map<String, Tensor>> out = new ArrayList<>();
        for (int start = 0; start + VAD_CHUNK <= pcm.length; start += VAD_CHUNK) {
            float[] chunk = new float[VAD_CHUNK];
            for (int i = 0; i < VAD_CHUNK; i++) {
                chunk[i] = pcm[start + i] / 32768f;
            }
            Map<String, Tensor> in = new LinkedHashMap<>();
            in.put("input", Tensor.ofFloats(new long[] {1, VAD_CHUNK}, chunk));
            in.put("sr", sr);
            in.put("h", h);
            in.put("c", c);
            out.add(in);
            Map<String, Tensor> r = vad.run(in, List.of("hn", "cn"));
            h = r.get("hn");
            c = r.get("cn");
        }
        return out;
    }
}
