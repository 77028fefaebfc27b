package dev.sparkptq.cli;

import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.core.ConfigException;

import java.util.Map;

/**
 * POT's quick mode ({@code -q default|accuracy_aware}): quantize from the command line without a config file.
 */
final class QuickMode {
    private static final Map<String, String> PRESETS = Map.of("performance", "performance", "mixed", "mixed",
            "accuracy", "mixed");

    private QuickMode() {
    }

    static PtqConfig config(Args a) {
        if (a.get("--config") != null) {
            throw new ConfigException("-q and --config exclude each other (as in POT): give one of them");
        }
        String mode = a.get("--quantize");
        if (mode.equals("accuracy_aware")) {
            if (a.get("--max-drop") == null) {
                throw new ConfigException("-q accuracy_aware needs --max-drop X (e.g. 0.01)");
            }
            throw new ConfigException("-q accuracy_aware: AccuracyAwareQuantization is not available in this version;"
                    + " use -q default");
        }
        if (!mode.equals("default")) {
            throw new ConfigException("-q takes 'default' or 'accuracy_aware', not '" + mode + "'");
        }
        if (a.get("--max-drop") != null) {
            throw new ConfigException("--max-drop belongs to -q accuracy_aware, not -q default");
        }
        String preset = a.get("--preset") == null ? "performance" : PRESETS.get(a.get("--preset"));
        if (preset == null) {
            throw new ConfigException("--preset takes performance or mixed, not '" + a.get("--preset") + "'");
        }
        String compression = "\"compression\": {\"algorithms\": [{\"name\": \"DefaultQuantization\", "
                + "\"params\": {\"preset\": \"" + preset + "\"" + (a.has("--keep-uncompressed-weights")
                ? ", \"compress_weights\": false" : "") + "}}]}";
        return QuickConfig.config(null, a.path("--model"),
                a.path("--data-source"), a.path("--tokenizer"),
                compression);
    }
}
