package dev.sparkptq.cli;

import dev.sparkptq.core.DType;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.core.TensorInfo;
import dev.sparkptq.runtime.InferenceEngine;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AlignedEngineTest {
    private static TensorInfo info(String name) {
        return new TensorInfo(name, DType.FLOAT, new long[] {-1, -1, 384});
    }

    /** Declares inputs a and b and the given outputs; records what it was fed; output i holds the value i. */
    private static final class Fake implements InferenceEngine {
        final List<TensorInfo> outputs;
        final List<Map<String, Tensor>> fed = new ArrayList<>();

        Fake(String... outputs) {
            this.outputs = java.util.Arrays.stream(outputs).map(AlignedEngineTest::info).toList();
        }

        @Override
        public List<TensorInfo> inputs() {
            return List.of(info("a"));
        }

        @Override
        public List<TensorInfo> outputs() {
            return outputs;
        }

        @Override
        public Map<String, Tensor> run(Map<String, Tensor> inputs, List<String> names) {
            fed.add(inputs);
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (String n : names) {
                int i = outputs.stream().map(TensorInfo::name).toList().indexOf(n);
                out.put(n, Tensor.ofFloats(new long[] {1}, new float[] {i}));
            }
            return out;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void outputsMatchByNameElseByPositionAndInputsAreFilteredToTheModels() {
        List<TensorInfo> reference = List.of(info("output_0"), info("882"));
        Fake q = new Fake("last_hidden_state");
        AlignedEngine e = AlignedEngine.align(q, reference);
        assertEquals(List.of("output_0"), e.outputs().stream().map(TensorInfo::name).toList());
        assertEquals(Map.of("output_0", "last_hidden_state"), e.renamed());
        Tensor x = Tensor.ofFloats(new long[] {1}, new float[] {1});
        Map<String, Tensor> out = e.run(Map.of("a", x, "token_type_ids", x), List.of("output_0"));
        assertEquals(0f, out.get("output_0").toFloats()[0]);
        assertEquals(List.of("a"), List.copyOf(q.fed.get(0).keySet()));
    }

    @Test
    void sameNamesInAnotherOrderMatchByName() {
        AlignedEngine e = AlignedEngine.align(new Fake("y", "x"), List.of(info("x"), info("y")));
        assertEquals(Map.of(), e.renamed());
        assertEquals(1f, e.run(Map.of(), List.of("x")).get("x").toFloats()[0]);
    }
}
