package dev.sparkptq.plan;

import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.Node;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The nodes of a model's first {@code n} compute layers ({@code ignored.first_layers}): a node's layer depth is the
 * largest number of Conv/ConvTranspose/MatMul/Gemm nodes on any path from a model input up to and including it, and
 * every node of depth ≤ {@code n} belongs to the stem — the layers themselves, the activations right after them and
 * the input plumbing before them (Slice/Concat of a Focus block).
 *
 * <p>Why: detectors fed raw 0–255 pixels (YOLOX, YOLOv5) have stem activations spanning hundreds per tensor while
 * most channels stay within a few units; one per-tensor scale (the only kind ONNX Runtime's integer kernels take for
 * activations) wipes those channels out. On YOLOX-nano (100 COCO images, KL ranges) leaving the first two
 * conv+SiLU blocks in float raised the detection match from 0.72 to 0.87 for 2 % of the speed-up; the first block
 * alone gave 0.70, the second alone 0.65. Low-bit practice keeps first layers at higher precision for the same
 * reason.
 */
final class StemLayers {
    static final Set<String> LAYERS = Set.of("Conv", "ConvTranspose", "MatMul", "Gemm");

    private StemLayers() {
    }

    /** Names of the nodes of depth ≤ {@code n}; empty for {@code n == 0}. */
    static Set<String> within(ModelGraph graph, int n) {
        Set<String> out = new HashSet<>();
        if (n <= 0) {
            return out;
        }
        Map<String, Integer> depthOfTensor = new HashMap<>();
        for (Node node : graph.nodes()) { // topological order
            int depth = 0;
            for (String in : node.inputs()) {
                depth = Math.max(depth, depthOfTensor.getOrDefault(in, 0));
            }
            if (LAYERS.contains(node.opType())) {
                depth++;
            }
            for (String o : node.outputs()) {
                depthOfTensor.put(o, depth);
            }
            if (depth <= n) {
                out.add(node.name());
            }
        }
        return out;
    }
}
