package dev.sparkptq.runtime;

import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.core.TensorInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LatencyTest {
    /** Fake engine: counts runs, records which outputs were asked, and busy-waits a fixed time per run. */
    private static final class SleepyEngine implements InferenceEngine {
        final AtomicInteger runs = new AtomicInteger();
        final List<List<String>> asked = new ArrayList<>();
        private final long nanosPerRun;

        SleepyEngine(long nanosPerRun) {
            this.nanosPerRun = nanosPerRun;
        }

        @Override
        public List<TensorInfo> inputs() {
            return List.of(new TensorInfo("x", DType.FLOAT, new long[] {1}));
        }

        @Override
        public List<TensorInfo> outputs() {
            return List.of(new TensorInfo("a", DType.FLOAT, new long[] {1}),
                    new TensorInfo("b", DType.FLOAT, new long[] {1}));
        }

        @Override
        public Map<String, Tensor> run(Map<String, Tensor> inputs, List<String> outputNames) {
            runs.incrementAndGet();
            asked.add(outputNames);
            long end = System.nanoTime() + nanosPerRun;
            while (System.nanoTime() < end) {
                Thread.onSpinWait();
            }
            return Map.of();
        }

        @Override
        public void close() {
        }
    }

    private static List<Map<String, Tensor>> samples(int n) {
        List<Map<String, Tensor>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Map.of("x", Tensor.ofFloats(new long[] {1}, new float[] {i})));
        }
        return out;
    }

    @Test
    void runsEverySampleForEachWarmupAndRepeatAskingForAllOutputs() {
        SleepyEngine engine = new SleepyEngine(0);
        Latency.measure(engine, samples(3), 2, 5);
        assertEquals(3 * (2 + 5), engine.runs.get());
        assertTrue(engine.asked.stream().allMatch(List.of("a", "b")::equals));
    }

    @Test
    void reportsMillisecondsPerSampleNotPerPass() {
        // 10 samples of >= 1 ms each: a pass takes >= 10 ms, a sample >= 1 ms; the median of 3 passes absorbs one
        // descheduled pass on a busy machine
        SleepyEngine engine = new SleepyEngine(1_000_000);
        double ms = Latency.measure(engine, samples(10), 0, 3);
        assertTrue(ms >= 1.0 && ms < 10.0, "ms/sample " + ms);
    }

    @ParameterizedTest
    @CsvSource({"'3.0', 3.0", "'5.0,1.0,3.0', 3.0", "'4.0,1.0,3.0,2.0', 2.5", "'1.0,1.0,9.0,9.0', 5.0"})
    void medianIsTheMiddleValueOrTheMeanOfTheTwoMiddleOnes(String values, double expected) {
        double[] v = java.util.Arrays.stream(values.split(",")).mapToDouble(Double::parseDouble).toArray();
        assertEquals(expected, Latency.median(v), 0.0);
    }

    @Test
    void rejectsNoInputsAndNoRepeats() {
        SleepyEngine engine = new SleepyEngine(0);
        assertThrows(ConfigException.class, () -> Latency.measure(engine, List.of(), 1, 1));
        assertThrows(ConfigException.class, () -> Latency.measure(engine, samples(1), 1, 0));
        assertThrows(ConfigException.class, () -> Latency.measure(engine, samples(1), -1, 1));
    }
}
