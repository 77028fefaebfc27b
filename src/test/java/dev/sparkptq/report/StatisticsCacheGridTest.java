package dev.sparkptq.report;

import dev.sparkptq.stats.GridHistogramAccumulator;
import dev.sparkptq.stats.Histogram;
import dev.sparkptq.stats.HistogramSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One-pass grid histograms are stored as the same {@link Histogram} (edges, counts) as fixed-edge ones, so the
 * statistics file keeps format version 1 (its golden file is unchanged) and they come back bit for bit.
 */
class StatisticsCacheGridTest {

    @Test
    void aGridHistogramComesBackExactly(@TempDir Path tmp) {
        GridHistogramAccumulator a = new GridHistogramAccumulator(HistogramSpec.Domain.VALUES, 256);
        Random rnd = new Random(4);
        float[] x = new float[5000];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextGaussian() * 0.37 - 0.1);
        }
        a.add(x);
        Histogram h = a.result();
        StatisticsCache.Content c = StatisticsCache.of(StatisticsCacheTest.SHA, "/data", 5, Map.of(), Map.of("t", h));
        Path f = tmp.resolve("statistics.json");
        try {
            Files.write(f, StatisticsCache.toJson(c));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertEquals(h, StatisticsCache.read(f).histogramResults().get("t"));
    }
}
