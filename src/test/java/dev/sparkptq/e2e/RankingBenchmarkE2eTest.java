package dev.sparkptq.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One SqueezeNet ranking round on local[1] and on local[2] in one process (spark-ptq benchmark ranking): the command
 * runs both rounds over every revert group and reports consistent counts. The ratio is printed, not asserted: a
 * timing measured on a shared CI machine is no test (the idle-machine figure is in BENCHMARKS.md).
 */
@Tag("e2e")
public class RankingBenchmarkE2eTest {
    @Test
    void rankingBenchmarkTimesEveryGroupOnBothMasters() throws Exception {
        E2e.shared();
        E2e.CliRun r = E2e.cliOk("benchmark", "ranking", "--config", "conf/examples/squeezenet-accuracy-aware.json",
                "--samples", "60");
        JsonNode j = new ObjectMapper().readTree(r.out());
        double ratio = j.get("local2_over_local1").asDouble();
        System.out.printf("ranking round: %d groups x %d samples, %d tasks: local[1] %d ms, local[2] %d ms, "
                        + "ratio %.3f%n", j.get("groups").asInt(), j.get("samples").asInt(), j.get("tasks").asInt(),
                j.get("local1_ms").asLong(), j.get("local2_ms").asLong(), ratio);
        assertTrue(j.get("groups").asInt() > 1, "SqueezeNet has several revert groups");
        assertEquals(60, j.get("samples").asInt());
        assertTrue(j.get("tasks").asInt() >= j.get("groups").asInt(), "at least one task per group");
        assertTrue(j.get("local1_ms").asLong() > 0 && j.get("local2_ms").asLong() > 0, "both rounds timed");
        assertEquals((double) j.get("local2_ms").asLong() / j.get("local1_ms").asLong(), ratio, 1e-3);
    }
}
