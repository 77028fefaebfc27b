package dev.sparkptq.report;

import dev.sparkptq.core.ConfigException;
import dev.sparkptq.stats.Aggregation;
import dev.sparkptq.stats.PerSampleStat;
import dev.sparkptq.stats.StatResult;
import dev.sparkptq.stats.StatisticSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatisticsCacheTest {
    static final String SHA = "ab".repeat(32);

    static StatisticsCache.Content sample() {
        StatisticSpec low = StatisticSpec.perTensor("conv1_in", PerSampleStat.MIN, Aggregation.MIN);
        StatisticSpec high = StatisticSpec.perTensor("conv1_in", PerSampleStat.ABS_MAX, Aggregation.MEAN);
        return new StatisticsCache.Content(StatisticsCache.FORMAT_VERSION, "0.0-test", SHA, "/data/calib", 3,
                List.of(new StatisticsCache.Entry(low, new StatResult(new double[]{-1.5}, 3, 0)),
                        new StatisticsCache.Entry(high, new StatResult(new double[]{2.25}, 3, 1))),
                List.of(new StatisticsCache.HistogramEntry("relu_out", new dev.sparkptq.stats.Histogram(
                        dev.sparkptq.stats.HistogramSpec.Domain.values()[0], 0, 4, new long[]{5, 0, 2, 1}, 0, 1,
                        3))));
    }

    @Test
    void theFormatIsPinnedByAGoldenFile() throws Exception {
        String golden = Files.readString(Path.of("src/test/resources/golden/statistics-v1.json"));
        assertEquals(golden, new String(StatisticsCache.toJson(sample()), StandardCharsets.UTF_8),
                "statistics.json changed shape: bump StatisticsCache.FORMAT_VERSION and update the golden file");
    }

    @Test
    void roundTripKeepsEveryStatistic(@TempDir Path tmp) throws Exception {
        Path f = Files.write(tmp.resolve("statistics.json"), StatisticsCache.toJson(sample()));
        StatisticsCache.Content back = StatisticsCache.read(f);
        assertEquals(sample().results(), back.results());
        assertEquals(java.util.Arrays.toString(sample().histogramResults().get("relu_out").counts()),
                java.util.Arrays.toString(back.histogramResults().get("relu_out").counts()));
        assertEquals(3, back.samples());
    }

    @Test
    void reuseRefusesAnotherModelAndMissingStatisticsAndOtherFiles(@TempDir Path tmp) throws Exception {
        Path f = Files.write(tmp.resolve("statistics.json"), StatisticsCache.toJson(sample()));
        Map<StatisticSpec, StatResult> have = sample().results();
        assertEquals(have, StatisticsCache.load(f, SHA, have.keySet(), List.of("relu_out")).results());
        ConfigException other = assertThrows(ConfigException.class,
                () -> StatisticsCache.load(f, "cd".repeat(32), have.keySet(), List.of()));
        assertTrue(other.getMessage().contains("another model"), other.getMessage());
        StatisticSpec needed = StatisticSpec.perTensor("conv1_in", PerSampleStat.MAX, Aggregation.MEAN);
        ConfigException missing = assertThrows(ConfigException.class,
                () -> StatisticsCache.load(f, SHA, List.of(needed), List.of()));
        assertTrue(missing.getMessage().contains("lacks 1 statistic"), missing.getMessage());
        ConfigException noHistogram = assertThrows(ConfigException.class,
                () -> StatisticsCache.load(f, SHA, List.of(), List.of("other")));
        assertTrue(noHistogram.getMessage().contains("histogram of other"), noHistogram.getMessage());
        Path junk = Files.writeString(tmp.resolve("junk.json"), "{\"hello\": 1}");
        ConfigException bad = assertThrows(ConfigException.class, () -> StatisticsCache.read(junk));
        assertTrue(bad.getMessage().contains("not a spark-ptq statistics file"), bad.getMessage());
        String future = new String(StatisticsCache.toJson(sample()), StandardCharsets.UTF_8)
                .replace("\"format_version\" : 1", "\"format_version\" : 99");
        Path newer = Files.writeString(tmp.resolve("newer.json"), future);
        assertTrue(assertThrows(ConfigException.class, () -> StatisticsCache.read(newer)).getMessage()
                .contains("format version 99"));
    }
}
