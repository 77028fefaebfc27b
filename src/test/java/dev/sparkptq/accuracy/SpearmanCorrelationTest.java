package dev.sparkptq.accuracy;

import dev.sparkptq.core.DataException;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.core.SampleId;
import dev.sparkptq.core.Tensor;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpearmanCorrelationTest {
    private static final SpearmanCorrelation METRIC = new SpearmanCorrelation("spearman", "y");

    /** Naive reference: rank = 1 + #smaller + (#equal - 1) / 2, then Pearson's formula on the ranks. */
    private static double naiveSpearman(double[] x, double[] y) {
        double[] rx = naiveRanks(x);
        double[] ry = naiveRanks(y);
        int n = x.length;
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += rx[i] / n;
            my += ry[i] / n;
        }
        double num = 0;
        double dx = 0;
        double dy = 0;
        for (int i = 0; i < n; i++) {
            num += (rx[i] - mx) * (ry[i] - my);
            dx += (rx[i] - mx) * (rx[i] - mx);
            dy += (ry[i] - my) * (ry[i] - my);
        }
        return num / Math.sqrt(dx * dy);
    }

    private static double[] naiveRanks(double[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            int smaller = 0;
            int equal = 0;
            for (double w : v) {
                smaller += w < v[i] ? 1 : 0;
                equal += w == v[i] ? 1 : 0;
            }
            r[i] = 1 + smaller + (equal - 1) / 2.0;
        }
        return r;
    }

    @Test
    void averageRanksOfTiesMatchTheTextbookExample() {
        assertEquals(List.of(1.0, 2.5, 2.5, 4.0, 6.0, 6.0, 6.0),
                box(Ranks.average(new double[] {1, 2, 2, 3, 5, 5, 5})));
        assertEquals(List.of(3.0, 1.0, 2.0), box(Ranks.average(new double[] {0.9, -1, 0.2})));
    }

    @Test
    void matchesNaiveRankComputationWithManyTies() {
        Random rnd = new Random(3);
        for (int trial = 0; trial < 20; trial++) {
            int n = 5 + rnd.nextInt(200);
            double[] x = new double[n];
            double[] y = new double[n];
            PairsAccumulator acc = new PairsAccumulator();
            for (int i = 0; i < n; i++) {
                x[i] = rnd.nextInt(10) / 10.0;                     // heavy ties
                y[i] = Math.round((x[i] + rnd.nextGaussian()) * 4) / 4.0; // gold scores in quarter steps
                acc.add(x[i], y[i]);
            }
            assertEquals(naiveSpearman(x, y), acc.value(), 1e-12, "trial " + trial);
        }
    }

    @Test
    void monotoneRelationIsOneAndReversedIsMinusOne() {
        PairsAccumulator up = new PairsAccumulator();
        PairsAccumulator down = new PairsAccumulator();
        for (int i = 0; i < 10; i++) {
            up.add(Math.exp(i), i);
            down.add(-i * i, i);
        }
        assertEquals(1.0, up.value(), 1e-15);
        assertEquals(-1.0, down.value(), 1e-15);
    }

    @Test
    void constantScoresGiveZeroNotNaN() {
        PairsAccumulator acc = new PairsAccumulator();
        acc.add(0.5, 1);
        acc.add(0.5, 2);
        assertEquals(0.0, acc.value());
        assertTrue(Double.isNaN(new PairsAccumulator().value()));
    }

    @Test
    void mergeInAnyOrderAndAfterSerializationGivesTheSameValue() throws Exception {
        Random rnd = new Random(5);
        List<double[]> pairs = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            pairs.add(new double[] {rnd.nextGaussian(), rnd.nextInt(21) / 4.0});
        }
        PairsAccumulator all = new PairsAccumulator();
        pairs.forEach(p -> all.add(p[0], p[1]));
        Collections.shuffle(pairs, rnd);
        PairsAccumulator merged = new PairsAccumulator();
        for (int part = 0; part < 3; part++) {
            PairsAccumulator a = new PairsAccumulator();
            for (double[] p : pairs.subList(part * 100, part * 100 + 100)) {
                a.add(p[0], p[1]);
            }
            merged.merge(roundTrip(a));
        }
        assertEquals(all.value(), merged.value(), 0.0);
        assertEquals(300, merged.count());
    }

    @Test
    void pairSampleScoresTheCosineOfItsMeanPooledRows() {
        // row 0: tokens (1,0) and (3,0) -> mean (2,0); row 1: token (0,2) and padding -> (0,2): cosine 0
        Tensor out = Tensor.ofFloats(new long[] {2, 2, 2}, new float[] {1, 0, 3, 0, 0, 2, 9, 9});
        Tensor mask = Tensor.ofLongs(new long[] {2, 2}, new long[] {1, 1, 1, 0});
        EvalSample s = pair(out, mask, 4.0);
        assertEquals(0.0, METRIC.perSample(s), 1e-15);
        Tensor similar = Tensor.ofFloats(new long[] {2, 2, 2}, new float[] {1, 1, 3, 3, 2, 2, 9, 0});
        assertEquals(1.0, METRIC.perSample(pair(similar, mask, 4.0)), 1e-12);
    }

    @Test
    void evaluationAccumulatorCorrelatesPairCosinesWithGoldScores() {
        EvaluationAccumulator acc = EvaluationAccumulator.of(List.of(METRIC));
        Tensor mask = Tensor.ofLongs(new long[] {2, 1}, new long[] {1, 1});
        double[] angles = {0.1, 0.5, 0.9, 1.3};
        double[] gold = {4.5, 3.0, 3.5, 0.5};
        double[] cos = new double[4];
        for (int i = 0; i < 4; i++) {
            float c = (float) Math.cos(angles[i]);
            float s = (float) Math.sin(angles[i]);
            acc.add(pair(Tensor.ofFloats(new long[] {2, 1, 2}, new float[] {1, 0, c, s}), mask, gold[i]));
            cos[i] = Math.cos(angles[i]);
        }
        assertEquals(naiveSpearman(cos, gold), acc.values().get("spearman"), 1e-12);
        assertEquals(0.8, acc.values().get("spearman"), 1e-12);
        assertFalse(METRIC.hasPerSampleValues());
    }

    @Test
    void sampleWithoutGoldScoreOrNotAPairIsADataError() {
        Tensor mask = Tensor.ofLongs(new long[] {2, 1}, new long[] {1, 1});
        Tensor out = Tensor.ofFloats(new long[] {2, 1, 2}, new float[] {1, 0, 0, 1});
        EvaluationAccumulator acc = EvaluationAccumulator.of(List.of(METRIC));
        DataException e = assertThrows(DataException.class, () -> acc.add(pair(out, mask, null)));
        assertTrue(e.getMessage().contains("gold score"), e.getMessage());
        Tensor single = Tensor.ofFloats(new long[] {1, 1, 2}, new float[] {1, 0});
        assertThrows(DataException.class, () -> METRIC.perSample(pair(single, null, 1.0)));
        assertThrows(InternalException.class, () -> new PairsAccumulator().add(0.3));
    }

    private static EvalSample pair(Tensor out, Tensor mask, Double gold) {
        Map<String, Tensor> inputs = mask == null ? Map.of() : Map.of("attention_mask", mask);
        return new EvalSample(new SampleId("p"), Map.of("y", out), Map.of("y", out), inputs, null, gold, null);
    }

    private static List<Double> box(double[] v) {
        List<Double> out = new ArrayList<>();
        for (double d : v) {
            out.add(d);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T value) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }
}
