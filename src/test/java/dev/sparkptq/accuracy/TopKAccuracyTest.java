package dev.sparkptq.accuracy;

import dev.sparkptq.core.DataException;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.core.SampleId;
import dev.sparkptq.core.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TopKAccuracyTest {
    private static float[] parse(String csv) {
        String[] parts = csv.split(" ");
        float[] out = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Float.parseFloat(parts[i]);
        }
        return out;
    }

    @ParameterizedTest(name = "logits [{0}] label {1} k {2} -> {3}")
    @CsvSource({
            "0.1 0.7 0.2,       1, 1, 1",   // label is the argmax
            "0.1 0.7 0.2,       2, 1, 0",   // second best misses top-1
            "0.1 0.7 0.2,       2, 2, 1",   // ... but is in top-2
            "0.1 0.7 0.2,       0, 2, 0",   // smallest is outside top-2
            "0.1 0.7 0.2,       0, 3, 1",   // k = number of classes always hits
            "1 3 3 0,           1, 1, 1",   // tie: lower index wins
            "1 3 3 0,           2, 1, 0",   // tie: higher index loses top-1
            "1 3 3 0,           2, 2, 1",
            "-5 -1 -3,          1, 1, 1",   // negative logits
            "0.5 NaN 0.1,       0, 1, 0",   // NaN anywhere: no prediction
            "0.5 NaN 0.1,       0, 3, 0",
    })
    void labelInTopKScoresOne(String logits, int label, int k, double expected) {
        TopKAccuracy metric = new TopKAccuracy("acc", "logits", k);
        assertEquals(expected, metric.perSample(Samples.labelled("s", label, parse(logits))));
    }

    @Test
    void readsTheOutputFlattenedWhateverItsRank() {
        float[] logits = {0f, 0f, 0f, 0f, 0f, 9f};
        var sample = EvalSample.ofFp32(new SampleId("s"),
                Map.of("logits", Tensor.ofFloats(new long[] {1, 2, 3}, logits)), Map.of(), 5);
        assertEquals(1.0, new TopKAccuracy("acc", "logits", 1).perSample(sample));
    }

    @Test
    void missingLabelIsADataErrorNamingTheSample() {
        var sample = EvalSample.ofFp32(new SampleId("img_007.png"), Map.of("logits", Samples.vec(1f, 2f)),
                Map.of(), null);
        DataException e = assertThrows(DataException.class,
                () -> new TopKAccuracy("acc", "logits", 1).perSample(sample));
        assertTrue(e.getMessage().contains("img_007.png"), e.getMessage());
    }

    @Test
    void labelOutsideTheClassesIsADataError() {
        DataException e = assertThrows(DataException.class,
                () -> new TopKAccuracy("acc", "logits", 1).perSample(Samples.labelled("s", 3, 1f, 2f, 3f)));
        assertTrue(e.getMessage().contains("label 3"), e.getMessage());
        assertThrows(DataException.class,
                () -> new TopKAccuracy("acc", "logits", 1).perSample(Samples.labelled("s", -1, 1f, 2f)));
    }

    @Test
    void missingOutputIsAnInternalErrorListingWhatWasThere() {
        InternalException e = assertThrows(InternalException.class,
                () -> new TopKAccuracy("acc", "probs", 1).perSample(Samples.labelled("s", 0, 1f)));
        assertTrue(e.getMessage().contains("[logits]"), e.getMessage());
    }

    @Test
    void kBelowOneIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new TopKAccuracy("acc", "logits", 0));
    }

    @Test
    void meanOverSamplesIsTheShareOfHits() {
        TopKAccuracy metric = new TopKAccuracy("acc", "logits", 1);
        MetricAccumulator acc = metric.newAccumulator();
        float[][] logits = {{1, 0}, {0, 1}, {1, 0}, {1, 0}};
        int[] labels = {0, 0, 0, 1};
        for (int i = 0; i < labels.length; i++) {
            acc.add(metric.perSample(Samples.labelled("s" + i, labels[i], logits[i])));
        }
        assertEquals(0.5, acc.value(), 1e-15, Arrays.deepToString(logits));
    }
}
