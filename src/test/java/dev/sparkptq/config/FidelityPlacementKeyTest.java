package dev.sparkptq.config;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code engine.fidelity_placement}: its default, its three values, and a wrong one named with the choices. */
class FidelityPlacementKeyTest extends ConfigTestBase {
    private static String engine(String extra) {
        return "{ \"model\": {\"model\": \"model.onnx\"}, \"engine\": {\"data_source\": \"data\"" + extra + "} }";
    }

    @Test
    void floorsByDefaultAndEachValueBinds() {
        assertEquals(EngineSection.FidelityMode.FLOORS, fx.load(engine("")).engine().fidelityPlacement());
        assertEquals(EngineSection.FidelityMode.STRICT,
                fx.load(engine(", \"fidelity_placement\": \"strict\"")).engine().fidelityPlacement());
        assertEquals(EngineSection.FidelityMode.OFF,
                fx.load(engine(", \"fidelity_placement\": \"off\"")).engine().fidelityPlacement());
        assertEquals(EngineSection.FidelityMode.FLOORS, fx.load(engine(", \"fidelity_placement\": \"floors\""))
                .engine().withSpeedGuard(false).fidelityPlacement(), "the guard switch keeps the mode");
    }

    @Test
    void anUnknownValueIsRefusedWithTheChoices() {
        String message = fx.problems(engine(", \"fidelity_placement\": true"));
        assertTrue(message.contains("fidelity_placement") && message.contains("strict")
                && message.contains("floors") && message.contains("off"), message);
    }
}
