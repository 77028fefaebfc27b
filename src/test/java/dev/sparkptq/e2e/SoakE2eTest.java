package dev.sparkptq.e2e;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Soak: 1,000 and 100,000 synthetic samples (generated on the executors) through the statistics pass, each in a
 * fresh JVM with a 512 MB heap: both finish, and the peak resident set at 100k stays within 1.5× (+64 MB) of the
 * one at 1k — statistics are constant-size accumulators, so memory must not grow with the sample count.
 */
@Tag("e2e")
class SoakE2eTest {
    private static final Pattern LINE = Pattern.compile("soak samples=(\\d+) seen=(\\d+) .* VmHWM_kB=(\\d+) .*");

    @TempDir
    Path tmp;

    @Test
    void memoryStaysFlatFromOneThousandToOneHundredThousandSamples() throws Exception {
        long small = soak(1_000);
        long large = soak(100_000);
        System.out.printf("soak peak RSS (VmHWM, driver = executor in local[2]): 1k %d MB, 100k %d MB%n",
                small >> 10, large >> 10);
        assertTrue(large < small * 3 / 2 + 64 * 1024, "peak RSS grew from " + small + " kB to " + large + " kB");
    }

    /** Runs SoakMain in a child JVM; returns its VmHWM in kB. */
    private long soak(int samples) throws Exception {
        List<String> cmd = E2e.childJvm(List.of("-Xmx512m", "-XX:+UseParallelGC", "-Djava.io.tmpdir=" + tmp),
                "dev.sparkptq.pipeline.SoakMain", Integer.toString(samples), "8", tmp.resolve("w" + samples).toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        Matcher m = out.lines().map(LINE::matcher).filter(Matcher::matches).findFirst()
                .orElseThrow(() -> new AssertionError("no soak line in:\n" + out));
        System.out.println(m.group(0));
        assertEquals(samples, Long.parseLong(m.group(2)), "every sample reached the statistics");
        return Long.parseLong(m.group(3));
    }
}
