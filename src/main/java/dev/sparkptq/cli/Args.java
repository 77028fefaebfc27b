package dev.sparkptq.cli;

import dev.sparkptq.config.Suggestions;
import dev.sparkptq.core.ConfigException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parsed command-line arguments: a command, {@code --name value} options and {@code --flag} switches. Unknown or
 * repeated options are errors that name the closest valid option.
 */
final class Args {
    private final String command;
    private final Map<String, String> values;
    private final Set<String> flags;

    private Args(String command, Map<String, String> values, Set<String> flags) {
        this.command = command;
        this.values = values;
        this.flags = flags;
    }

    /**
     * @param valued   options that take a value (e.g. {@code --config}); short aliases map via {@code aliases}
     * @param switches options without a value (e.g. {@code --evaluate})
     */
    static Args parse(String command, List<String> argv, Set<String> valued, Set<String> switches,
                      Map<String, String> aliases) {
        Map<String, String> values = new HashMap<>();
        java.util.Set<String> flags = new java.util.HashSet<>();
        List<String> all = new ArrayList<>(valued);
        all.addAll(switches);
        for (int i = 0; i < argv.size(); i++) {
            String raw = argv.get(i);
            String a = aliases.getOrDefault(raw, raw);
            String inline = null;
            if (a.startsWith("--") && a.contains("=")) {
                inline = a.substring(a.indexOf('=') + 1);
                a = a.substring(0, a.indexOf('='));
            }
            if (valued.contains(a)) {
                String v = inline != null ? inline : (i + 1 < argv.size() ? argv.get(++i) : null);
                if (v == null || v.isEmpty()) {
                    throw new ConfigException("option " + a + " needs a value; see spark-ptq " + command + " --help");
                }
                if (values.put(a, v) != null) {
                    throw new ConfigException("option " + a + " is given twice; give it once");
                }
            } else if (switches.contains(a) && inline == null) {
                flags.add(a);
            } else {
                String near = Suggestions.closest(a, all).map(s -> " — did you mean " + s + "?").orElse("");
                throw new ConfigException("unknown argument '" + raw + "' for " + command + near
                        + " (see spark-ptq " + command + " --help)");
            }
        }
        return new Args(command, values, flags);
    }

    String get(String option) {
        return values.get(option);
    }

    /**
     * The option as a local path, or null when absent. A value naming a file system ({@code hdfs://…}) is refused
     * here, never read as a local path: options that take URIs use {@link #location}.
     */
    java.nio.file.Path path(String option) {
        String v = values.get(option);
        if (v != null && dev.sparkptq.core.Location.hasScheme(v)) {
            throw new ConfigException(option + " " + v + ": spark-ptq " + command + (values.containsKey("--quantize")
                    ? " in quick mode (-q)" : "") + " reads this from a local path only; copy it to a local path"
                    + (values.containsKey("--quantize") ? ", or write a config file (it takes URIs)" : ""));
        }
        try {
            return v == null ? null : java.nio.file.Path.of(v);
        } catch (java.nio.file.InvalidPathException e) {
            throw new ConfigException(option + " '" + v + "' is not a valid path: " + e.getReason(), e);
        }
    }

    /** The option as a local path or a file-system URI ({@code hdfs://}, {@code s3a://} …), or null when absent. */
    dev.sparkptq.core.Location location(String option) {
        String v = values.get(option);
        try {
            return v == null ? null : dev.sparkptq.core.Location.parse(v);
        } catch (ConfigException e) {
            throw new ConfigException(option + ": " + e.getMessage(), e);
        }
    }

    /** The option as a whole number ≥ 1, or {@code dflt} when absent. */
    int positiveInt(String option, int dflt) {
        String v = values.get(option);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new ConfigException(option + " must be a whole number ≥ 1, got '" + v + "'");
    }

    boolean has(String flag) {
        return flags.contains(flag);
    }

    String command() {
        return command;
    }
}
