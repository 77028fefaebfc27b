package dev.sparkptq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkptq.pipeline.TinyRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.sparkptq.cli.CliErrorsTest.cli;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code benchmark calibration} end to end on a tiny model: the JSON a user records, with per-round spreads. */
class CalibrationBenchmarkTest {
    @Test
    void printsMedianRatiosWithinTheirSpreadAndWritesTheSameJsonToTheOutputFile(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 8, 3);
        Path json = tmp.resolve("calibration.json");
        CliErrorsTest.Run r = cli("benchmark", "calibration", "--model", t.model.toString(), "--data-source",
                t.data.toString(), "--samples", "8", "--rounds", "3", "--output", json.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertEquals(new ObjectMapper().readTree(Files.readString(json)), root);
        assertEquals(3, root.get("rounds").asInt());
        assertEquals(8, root.get("samples").asInt());
        for (String variant : new String[]{"default", "default_extra_outputs", "quantile", "histogram_mse",
                "histogram_mse_extremes"}) {
            double median = root.get("stats_over_inference").get(variant).asDouble();
            JsonNode spread = root.get("spread").get("stats_over_inference").get(variant);
            assertTrue(median > 0 && spread.get(0).asDouble() <= median && median <= spread.get(1).asDouble(),
                    variant + ": " + median + " not within " + spread);
        }
        double scaling = root.get("scaling_2_over_1").asDouble();
        JsonNode s = root.get("spread").get("scaling_2_over_1");
        assertTrue(scaling > 0 && s.get(0).asDouble() <= scaling && scaling <= s.get(1).asDouble(), root.toString());
        assertTrue(root.get("heap_ratio_10n_over_n").asDouble() > 0);
    }

    @Test
    void eachRoundIsDividedByItsOwnInferenceTime() {
        assertArrayEquals(new double[]{2.0, 0.5, 1.0},
                CalibrationBenchmark.pairedRatios(new double[]{4, 1, 3}, new double[]{2, 2, 3}), 0);
    }
}
