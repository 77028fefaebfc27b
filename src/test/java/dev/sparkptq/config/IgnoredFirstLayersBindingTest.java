package dev.sparkptq.config;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ignored.first_layers}: bound next to POT's scope/operations, 0 by default, negative refused. */
class IgnoredFirstLayersBindingTest extends ConfigTestBase {
    @Test
    void firstLayersIsBoundWithTheScope() {
        IgnoredSpec s = fx.params("\"ignored\": { \"scope\": [\"conv1\"], \"first_layers\": 2 }").ignored();
        assertEquals(new IgnoredSpec(List.of("conv1"), List.of(), 2), s);
    }

    @Test
    void firstLayersDefaultsToNone() {
        assertEquals(0, fx.params("\"ignored\": { \"scope\": [\"conv1\"] }").ignored().firstLayers());
        assertEquals(0, fx.params("\"preset\": \"mixed\"").ignored().firstLayers());
    }

    @Test
    void aNegativeLayerCountIsAConfigProblem() {
        String m = fx.problems(ConfigFixture.withParams("\"ignored\": { \"first_layers\": -1 }"));
        assertTrue(m.contains("first_layers"), m);
    }
}
