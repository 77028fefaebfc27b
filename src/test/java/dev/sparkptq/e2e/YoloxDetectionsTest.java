package dev.sparkptq.e2e;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The YOLOX decoding and matching used by the e2e detection-match figure, on hand-made head outputs. */
class YoloxDetectionsTest {
    private static final int CLASSES = 3;
    private static final int[] STRIDES = {8, 16};

    /** 16 input pixels: stride 8 gives a 2×2 grid (anchors 0–3), stride 16 a 1×1 grid (anchor 4). */
    private static float[] output() {
        return new float[5 * (5 + CLASSES)];
    }

    private static void put(float[] out, int anchor, float dx, float dy, float logW, float logH, float obj, int cls,
                            float clsScore) {
        int o = anchor * (5 + CLASSES);
        out[o] = dx;
        out[o + 1] = dy;
        out[o + 2] = logW;
        out[o + 3] = logH;
        out[o + 4] = obj;
        out[o + 5 + cls] = clsScore;
    }

    @Test
    void boxCentreIsOffsetPlusGridCellTimesStrideAndSizeIsExpOfLogSizeTimesStride() {
        float[] out = output();
        put(out, 3, 0.5f, 0.25f, (float) Math.log(2), 0f, 0.8f, 2, 0.5f); // cell (x=1, y=1) of stride 8
        List<YoloxDetections.Det> d = YoloxDetections.decode(out, 16, STRIDES, CLASSES, 0.3, 0.45);
        assertEquals(1, d.size());
        YoloxDetections.Det det = d.get(0);
        assertEquals(2, det.cls());
        assertEquals(0.4, det.score(), 1e-6);
        // centre (1.5·8, 1.25·8) = (12, 10); size (2·8, 1·8) = (16, 8)
        assertEquals(4, det.x1(), 1e-4);
        assertEquals(6, det.y1(), 1e-4);
        assertEquals(20, det.x2(), 1e-4);
        assertEquals(14, det.y2(), 1e-4);
    }

    @Test
    void scoresBelowTheThresholdAndOverlappingSameClassBoxesAreDropped() {
        float[] out = output();
        put(out, 0, 0.5f, 0.5f, 0f, 0f, 0.9f, 1, 0.9f); // kept: score 0.81
        put(out, 1, -0.5f, 0.5f, 0f, 0f, 0.9f, 1, 0.5f); // same box as anchor 0 (cell x=1 minus 0.5), same class
        put(out, 2, 0.5f, -0.5f, 0f, 0f, 0.9f, 0, 0.5f); // same box, other class: kept
        put(out, 4, 0f, 0f, 0f, 0f, 0.5f, 0, 0.5f); // score 0.25 < 0.3
        List<YoloxDetections.Det> d = YoloxDetections.decode(out, 16, STRIDES, CLASSES, 0.3, 0.45);
        assertEquals(2, d.size());
        assertEquals(1, d.get(0).cls());
        assertEquals(0, d.get(1).cls());
    }

    @Test
    void aReferenceBoxIsMatchedOnlyBySameClassOverlapAtLeastHalfAndEachCandidateOnce() {
        var ref = List.of(new YoloxDetections.Det(0, 0.9, 0, 0, 10, 10), new YoloxDetections.Det(0, 0.8, 0, 0, 10, 10),
                new YoloxDetections.Det(1, 0.7, 20, 20, 30, 30));
        var cand = List.of(new YoloxDetections.Det(0, 0.5, 0, 0, 10, 5), // IoU 0.5 with the first
                new YoloxDetections.Det(2, 0.9, 20, 20, 30, 30)); // right box, wrong class
        assertEquals(1, YoloxDetections.matched(ref, cand, 0.5));
        assertEquals(0.5, YoloxDetections.iou(ref.get(0), cand.get(0)), 1e-12);
    }
}
