package dev.sparkptq.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The documented configuration keys, for the README's config reference ({@code bin/spark-ptq config-docs}).
 *
 * <p>Each binder documents its keys next to its {@link KeySpec} with a {@link Section}: the JSON path of the object,
 * the same {@code KeySpec} that binding (and the "did you mean" suggestions for unknown keys) uses, and per key its
 * type — taken from the binder's {@link Choices} where the key has named values — default and meaning.
 * {@link #sections()} lists every binder's section; {@link #undocumented()} names accepted keys without a
 * description, so a new key cannot reach a release undocumented (ConfigKeysTest fails), and the README table is
 * regenerated from here, so it cannot drift from what the loader accepts.
 */
public final class ConfigKeys {
    private ConfigKeys() {
    }

    /**
     * One documented key.
     *
     * @param path         JSON path, {@code []} marking array elements, e.g.
     *                     {@code compression.algorithms[].params.preset}
     * @param type         accepted values: a JSON type or the list of named values
     * @param defaultValue what an absent key means
     * @param description  what the key does
     */
    public record Key(String path, String type, String defaultValue, String description) {
    }

    /** The documented keys of one JSON object; build it in the binder, after its {@code Choices}. */
    static final class Section {
        private final String path;
        private final KeySpec spec;
        private final String condition;
        private final Map<String, Key> keys = new LinkedHashMap<>();

        private Section(String path, KeySpec spec, String condition) {
            this.path = path;
            this.spec = spec;
            this.condition = condition;
        }

        /** Documents {@code name}: its type, default (as the user reads it) and meaning. */
        Section key(String name, String type, String defaultValue, String description) {
            String where = condition.isEmpty() ? description : "(" + condition + ") " + description;
            keys.put(name, new Key(path.isEmpty() ? name : path + "." + name, type, defaultValue, where));
            return this;
        }

        /** Documents a key whose values are {@code choices}' documented values. */
        Section key(String name, Choices<?> choices, String defaultValue, String description) {
            return key(name, "`" + String.join("`, `", choices.primary()) + "`", defaultValue, description);
        }

        String path() {
            return path;
        }

        KeySpec spec() {
            return spec;
        }

        List<Key> keys() {
            return List.copyOf(keys.values());
        }

        /** Accepted keys without documentation, and documented keys the binder does not accept. */
        List<String> mismatches() {
            List<String> out = new ArrayList<>();
            for (String valid : spec.valid()) {
                if (!keys.containsKey(valid)) {
                    out.add(ObjectView.child(path, valid) + " is accepted but not documented");
                }
            }
            for (String documented : keys.keySet()) {
                if (!spec.valid().contains(documented)) {
                    out.add(ObjectView.child(path, documented) + " is documented but not accepted");
                }
            }
            return out;
        }
    }

    /** A section for the object at {@code path} whose keys are {@code spec}'s. */
    static Section section(String path, KeySpec spec) {
        return new Section(path, spec, "");
    }

    /** A section whose keys only apply under {@code condition} (e.g. {@code reader type npy}). */
    static Section section(String path, KeySpec spec, String condition) {
        return new Section(path, spec, condition);
    }

    /** Every binder's section, in the order of the README. Add a binder's section here once. */
    static List<Section> sections() {
        List<Section> all = new ArrayList<>();
        all.add(ConfigLoader.DOCS);
        all.add(EngineBinder.MODEL_DOCS);
        all.add(EngineBinder.DOCS);
        all.addAll(ReaderBinder.DOCS);
        all.add(LabelsBinder.DOCS);
        all.add(MetricsBinder.DOCS);
        all.add(CompressionBinder.DOCS);
        all.add(CompressionBinder.ALGORITHM_DOCS);
        all.add(ParamsBinder.DOCS);
        all.add(SmoothQuantBinder.DOCS);
        all.add(AccuracyAwareBinder.DOCS);
        all.add(AccuracyAwareBinder.METRIC_DOCS);
        all.add(IgnoredBinder.DOCS);
        all.add(IgnoredBinder.OP_DOCS);
        all.add(TensorSchemeBinder.DOCS);
        all.add(RangeEstimatorBinder.DOCS);
        all.add(RangeEstimatorBinder.STAT_DOCS);
        all.add(HistogramEstimatorBinder.DOCS);
        return all;
    }

    /** Every documented key, in README order (a key shared by several reader types is listed once per type). */
    public static List<Key> all() {
        List<Key> out = new ArrayList<>();
        sections().forEach(s -> out.addAll(s.keys()));
        return out;
    }

    /** Keys the binders accept without a description, or describe without accepting; empty when in sync. */
    public static List<String> undocumented() {
        List<String> out = new ArrayList<>();
        sections().forEach(s -> out.addAll(s.mismatches()));
        return out;
    }

    /** The README's config reference: a Markdown table of every key. */
    public static String markdownTable() {
        StringBuilder b = new StringBuilder("| key | type / values | default | meaning |\n|---|---|---|---|\n");
        for (Key k : all()) {
            b.append("| `").append(cell(k.path())).append("` | ").append(cell(k.type())).append(" | ")
                    .append(cell(k.defaultValue())).append(" | ").append(cell(k.description())).append(" |\n");
        }
        return b.toString();
    }

    /** The README markers the table lives between. */
    public static final String BEGIN = "<!-- config-keys:begin -->";
    public static final String END = "<!-- config-keys:end -->";

    /**
     * {@code readme} with the text between {@link #BEGIN} and {@link #END} replaced by the current table.
     *
     * @throws dev.sparkptq.core.ConfigException when the markers are missing or out of order
     */
    public static String updateReadme(String readme) {
        int begin = readme.indexOf(BEGIN);
        int end = readme.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new dev.sparkptq.core.ConfigException("the README has no '" + BEGIN + "' … '" + END
                    + "' markers; add them, one line each, where the config reference table goes");
        }
        return readme.substring(0, begin + BEGIN.length()) + "\n" + markdownTable() + readme.substring(end);
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
