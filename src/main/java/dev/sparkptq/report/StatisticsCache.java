package dev.sparkptq.report;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.stats.Histogram;
import dev.sparkptq.stats.StatResult;
import dev.sparkptq.stats.StatisticSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The statistics a calibration pass collected, saved as {@code statistics.json} next to the output so that a user
 * can re-quantize with other parameters ({@code --statistics PATH}) without running calibration again.
 *
 * <p>Versioned ({@link #FORMAT_VERSION}, pinned by a golden-file test); tied to the FP32 model by its sha256. A reuse
 * fails with a ConfigException when the model differs or when the new configuration needs a statistic the file does
 * not hold (e.g. another estimator), naming what is missing.
 */
public final class StatisticsCache {
    /** Bumped on every incompatible change of the file's shape. */
    public static final int FORMAT_VERSION = 1;

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private StatisticsCache() {
    }

    /** One collected statistic. */
    public record Entry(StatisticSpec spec, StatResult result) {
    }

    /** One activation's histogram (of a histogram-based estimator: grid or fixed edges, the same record). */
    public record HistogramEntry(String tensor, Histogram histogram) {
    }

    /**
     * The file's content.
     *
     * @param fp32ModelSha256 sha256 of the FP32 model file the statistics were collected on
     * @param dataSource      the calibration data source
     * @param samples         calibration samples used
     */
    public record Content(int formatVersion, String toolVersion, String fp32ModelSha256, String dataSource,
                          int samples, List<Entry> statistics, List<HistogramEntry> histograms) {
        public Content {
            statistics = List.copyOf(statistics);
            histograms = List.copyOf(histograms);
        }

        public Map<StatisticSpec, StatResult> results() {
            Map<StatisticSpec, StatResult> m = new TreeMap<>();
            statistics.forEach(e -> m.put(e.spec(), e.result()));
            return m;
        }

        public Map<String, Histogram> histogramResults() {
            Map<String, Histogram> m = new TreeMap<>();
            histograms.forEach(e -> m.put(e.tensor(), e.histogram()));
            return m;
        }
    }

    public static Content of(String fp32Sha, String dataSource, int samples, Map<StatisticSpec, StatResult> results,
                             Map<String, Histogram> histograms) {
        List<Entry> entries = new ArrayList<>();
        new TreeMap<>(results).forEach((k, v) -> entries.add(new Entry(k, v)));
        List<HistogramEntry> hs = new ArrayList<>();
        new TreeMap<>(histograms).forEach((k, v) -> hs.add(new HistogramEntry(k, v)));
        return new Content(FORMAT_VERSION, ToolVersion.get(), fp32Sha, dataSource, samples, entries, hs);
    }

    public static byte[] toJson(Content content) {
        try {
            return (MAPPER.writeValueAsString(content) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new dev.sparkptq.core.InternalException("cannot serialize statistics: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a statistics file for reuse and checks it fits: same FP32 model, every needed statistic present.
     */
    public static Content load(Path file, String fp32Sha, Collection<StatisticSpec> needed,
                               Collection<String> neededHistograms) {
        Content c = read(file);
        if (!c.fp32ModelSha256().equals(fp32Sha)) {
            throw new ConfigException("--statistics " + file + " was collected on another model (sha256 "
                    + c.fp32ModelSha256().substring(0, 12) + "…, this one is " + fp32Sha.substring(0, 12)
                    + "…); run without --statistics to calibrate this model");
        }
        Map<StatisticSpec, StatResult> have = c.results();
        List<String> missing = new ArrayList<>(needed.stream().filter(s -> !have.containsKey(s))
                .map(StatisticSpec::toString).toList());
        Map<String, Histogram> histograms = c.histogramResults();
        neededHistograms.stream().filter(t -> !histograms.containsKey(t)).forEach(t -> missing.add("histogram of " + t));
        if (!missing.isEmpty()) {
            throw new ConfigException("--statistics " + file + " lacks " + missing.size() + " statistic(s) this "
                    + "configuration needs (e.g. " + missing.get(0) + "); the estimator changed: run without "
                    + "--statistics to collect them");
        }
        return c;
    }

    public static Content read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("--statistics " + file + " does not exist; point it at the statistics.json "
                    + "of an earlier run");
        }
        try {
            Content c = MAPPER.readValue(file.toFile(), Content.class);
            if (c.formatVersion() != FORMAT_VERSION) {
                throw new ConfigException("--statistics " + file + " has format version " + c.formatVersion()
                        + " but this spark-ptq reads version " + FORMAT_VERSION + "; re-run calibration");
            }
            return c;
        } catch (IOException e) {
            String why = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage()
                    : e.getMessage();
            throw new ConfigException("--statistics " + file + " is not a spark-ptq statistics file ("
                    + why.lines().findFirst().orElse("") + "); point it at the statistics.json of an earlier run", e);
        }
    }
}
