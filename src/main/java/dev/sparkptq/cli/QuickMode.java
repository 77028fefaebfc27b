package dev.sparkptq.cli;

import dev.sparkptq.config.ConfigOverrides;
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

    /** --max-drop as a JSON number: a non-negative finite decimal. */
    private static String maxDrop(String text) {
        try {
            double v = Double.parseDouble(text);
            if (v >= 0 && Double.isFinite(v)) {
                return Double.toString(v);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException("--max-drop takes a number >= 0 (e.g. 0.01), not '" + text + "'");
    }

    static PtqConfig config(Args a) {
        if (a.get("--config") != null) {
            throw new ConfigException("-q and --config exclude each other (as in POT): give one of them");
        }
        String mode = a.get("--quantize");
        boolean accuracyAware = mode.equals("accuracy_aware");
        if (accuracyAware && a.get("--max-drop") == null) {
            throw new ConfigException("-q accuracy_aware needs --max-drop X (e.g. 0.01)");
        }
        if (!accuracyAware && !mode.equals("default")) {
            throw new ConfigException("-q takes 'default' or 'accuracy_aware', not '" + mode + "'");
        }
        if (!accuracyAware && a.get("--max-drop") != null) {
            throw new ConfigException("--max-drop belongs to -q accuracy_aware, not -q default");
        }
        String preset = a.get("--preset") == null ? "performance" : PRESETS.get(a.get("--preset"));
        if (preset == null) {
            throw new ConfigException("--preset takes performance or mixed, not '" + a.get("--preset") + "'");
        }
        String compression = "\"compression\": {\"algorithms\": [{\"name\": \""
                + (accuracyAware ? "AccuracyAwareQuantization" : "DefaultQuantization") + "\", "
                + "\"params\": {\"preset\": \"" + preset + "\"" + (a.has("--keep-uncompressed-weights")
                ? ", \"compress_weights\": false" : "") + (accuracyAware ? ", \"maximal_drop\": "
                + maxDrop(a.get("--max-drop")) : "") + "}}]}";
        return QuickConfig.config(null, new ConfigOverrides(a.path("--model"), a.path("--data-source"),
                a.path("--eval-data-source"), null), a.path("--tokenizer"), compression);
    }
}
