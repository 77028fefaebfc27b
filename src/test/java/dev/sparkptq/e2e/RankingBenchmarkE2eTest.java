package dev.sparkptq.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One SqueezeNet ranking round on local[1] and on local[2] in one process (spark-ptq benchmark ranking). The issue's
 * target is a ratio ≤ 0.55 on an idle machine; on a shared machine the ratio is printed and only required to show
 * that a second core helps at all.
 */
@Tag("e2e")
public class RankingBenchmarkE2eTest {
    @Test
    void aSecondCoreShortensTheRankingRound() throws Exception {
        E2e.shared();
        E2e.CliRun r = E2e.cliOk("benchmark", "ranking", "--config", "conf/examples/squeezenet-accuracy-aware.json",
                "--samples", "60");
        JsonNode j = new ObjectMapper().readTree(r.out());
        double ratio = j.get("local2_over_local1").asDouble();
        System.out.printf("ranking round: %d groups x %d samples, %d tasks: local[1] %d ms, local[2] %d ms, "
                        + "ratio %.3f%n", j.get("groups").asInt(), j.get("samples").asInt(), j.get("tasks").asInt(),
                j.get("local1_ms").asLong(), j.get("local2_ms").asLong(), ratio);
        assertTrue(ratio < 0.95, "local[2] / local[1] = " + ratio);
    }
}
