package dev.sparkptq.accuracy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class Top1AgreementTest {
    private static float[] parse(String s) {
        String[] p = s.split(" ");
        float[] v = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            v[i] = Float.parseFloat(p[i]);
        }
        return v;
    }

    @ParameterizedTest(name = "[{0}] vs [{1}] -> {2}")
    @CsvSource({
            "0.1 0.9 0.0, 0.2 0.7 0.1, 1",   // same argmax, different values
            "0.9 0.1 0.0, 0.2 0.7 0.1, 0",   // different argmax
            "1 1 0,       0 1 0.5,     0",   // tie in output goes to index 0
            "0 1 1,       0 1 0.5,     1",   // tie in output goes to index 1
            "NaN 1 0,     0 1 0,       0",   // NaN output has no argmax
            "0 1 0,       0 NaN 0,     0",
    })
    void agreesWhenBothArgmaxesAreEqual(String out, String ref, double expected) {
        Top1Agreement metric = new Top1Agreement("agree", "y");
        assertEquals(expected, metric.perSample(Samples.pair(Samples.vec(parse(out)), Samples.vec(parse(ref)))));
    }
}
