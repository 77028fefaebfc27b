package dev.sparkptq.e2e;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * YOLOX detections from the raw [1, anchors, 5 + classes] head output, and how many of one model's detections
 * another model reproduces — the annotation-free accuracy check for a quantized detector (issue #4).
 *
 * <p>Test code, not an {@code accuracy} metric: the decoding is specific to YOLOX's anchor-free head (grid cells of
 * strides 8/16/32 in row-major order, box centre offsets and log sizes in stride units; this export does not decode
 * in-graph: its output ends in Concat → Transpose with no Exp), and the share is a ratio of sums over all images,
 * which the per-sample Metric API does not carry.
 */
final class YoloxDetections {
    /** One box in input-image pixels (letterboxed space; IoU does not depend on the scale). */
    record Det(int cls, double score, double x1, double y1, double x2, double y2) {
        double area() {
            return Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
        }
    }

    private YoloxDetections() {
    }

    /**
     * YOLOX's post-processing: per anchor the best class, score = objectness·class score, kept when ≥
     * {@code scoreThreshold}, then non-maximum suppression per class at {@code nmsIou}.
     */
    static List<Det> decode(float[] out, int inputSize, int[] strides, int classes, double scoreThreshold,
                            double nmsIou) {
        int width = 5 + classes;
        List<Det> candidates = new ArrayList<>();
        int anchor = 0;
        for (int stride : strides) {
            int cells = inputSize / stride;
            for (int gy = 0; gy < cells; gy++) {
                for (int gx = 0; gx < cells; gx++, anchor++) {
                    int o = anchor * width;
                    int best = 0;
                    for (int c = 1; c < classes; c++) {
                        if (out[o + 5 + c] > out[o + 5 + best]) {
                            best = c;
                        }
                    }
                    double score = out[o + 4] * out[o + 5 + best];
                    if (score < scoreThreshold) {
                        continue;
                    }
                    double cx = (out[o] + gx) * stride;
                    double cy = (out[o + 1] + gy) * stride;
                    double w = Math.exp(out[o + 2]) * stride;
                    double h = Math.exp(out[o + 3]) * stride;
                    candidates.add(new Det(best, score, cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2));
                }
            }
        }
        if (anchor * width != out.length) {
            throw new IllegalArgumentException("output has " + out.length / width + " anchors, strides give " + anchor);
        }
        return nms(candidates, nmsIou);
    }

    static List<Det> nms(List<Det> candidates, double iouThreshold) {
        List<Det> sorted = new ArrayList<>(candidates);
        sorted.sort(Comparator.comparingDouble(Det::score).reversed());
        List<Det> kept = new ArrayList<>();
        for (Det d : sorted) {
            if (kept.stream().noneMatch(k -> k.cls() == d.cls() && iou(k, d) > iouThreshold)) {
                kept.add(d);
            }
        }
        return kept;
    }

    /**
     * How many {@code reference} detections a {@code candidate} detection of the same class overlaps at IoU ≥
     * {@code matchIou}; greedy, best-scoring references first, each candidate used once.
     */
    static int matched(List<Det> reference, List<Det> candidate, double matchIou) {
        boolean[] used = new boolean[candidate.size()];
        int matched = 0;
        List<Det> refs = new ArrayList<>(reference);
        refs.sort(Comparator.comparingDouble(Det::score).reversed());
        for (Det r : refs) {
            int best = -1;
            double bestIou = matchIou;
            for (int i = 0; i < candidate.size(); i++) {
                double iou = iou(r, candidate.get(i));
                if (!used[i] && candidate.get(i).cls() == r.cls() && iou >= bestIou) {
                    best = i;
                    bestIou = iou;
                }
            }
            if (best >= 0) {
                used[best] = true;
                matched++;
            }
        }
        return matched;
    }

    static double iou(Det a, Det b) {
        double w = Math.min(a.x2(), b.x2()) - Math.max(a.x1(), b.x1());
        double h = Math.min(a.y2(), b.y2()) - Math.max(a.y1(), b.y1());
        if (w <= 0 || h <= 0) {
            return 0;
        }
        double inter = w * h;
        return inter / (a.area() + b.area() - inter);
    }
}
