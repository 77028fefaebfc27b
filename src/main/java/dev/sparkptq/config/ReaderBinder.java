package dev.sparkptq.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparkptq.config.BindContext.FileKind;
import dev.sparkptq.config.BindContext.Origin;
import dev.sparkptq.config.LabelsBinder.Layout;
import dev.sparkptq.core.Location;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Binds {@code engine.reader}: reads {@code type} first (default {@code image}), then opens the block with that
 * type's keys. A key that belongs to another reader type is reported as such ("a field of the text reader"), which
 * is the usual mistake after copying a config.
 */
final class ReaderBinder {

    /** The reader types and their keys. */
    enum Kind {
        IMAGE("image", "input", "resize_shorter", "center_crop", "resize", "letterbox", "letterbox_fill", "scale",
                "mean", "std", "color", "layout", "labels", "alpha"),
        NPY("npy", "inputs", "batch_axis", "labels"),
        TEXT("text", "tokenizer", "max_length", "skip_lines", "max_lines", "format", "score_column", "first_column",
                "second_column", "delimiter"),
        JSON("json", "input", "key", "labels"),
        TABLE("table", "format", "table", "eval_table", "annotation_column");

        final String jsonName;
        final List<String> fields;

        Kind(String jsonName, String... fields) {
            this.jsonName = jsonName;
            List<String> all = new ArrayList<>(List.of("type"));
            all.addAll(List.of(fields));
            this.fields = List.copyOf(all);
        }

        KeySpec keys() {
            KeySpec spec = new KeySpec(fields, Map.of());
            Map<String, Set<String>> owners = new LinkedHashMap<>();
            for (Kind other : values()) {
                for (String f : other.fields) {
                    if (!fields.contains(f)) {
                        owners.computeIfAbsent(f, k -> new LinkedHashSet<>()).add(other.jsonName);
                    }
                }
            }
            for (Map.Entry<String, Set<String>> e : owners.entrySet()) {
                spec = spec.explain("a field of the " + String.join("/", e.getValue()) + " reader, not of the "
                        + jsonName + " reader", e.getKey());
            }
            return spec;
        }
    }

    private static final Choices<Kind> KINDS = Choices.<Kind>builder()
            .value("image", Kind.IMAGE).value("npy", Kind.NPY).value("text", Kind.TEXT).value("json", Kind.JSON)
            .value("table", Kind.TABLE)
            .build();

    private static final Choices<TableReaderSpec.Format> TABLE_FORMATS = Choices.<TableReaderSpec.Format>builder()
            .value("parquet", TableReaderSpec.Format.PARQUET).value("orc", TableReaderSpec.Format.ORC)
            .value("delta", TableReaderSpec.Format.DELTA).build();

    /** The reader's keys, for the README's config reference: {@code type}, then each type's own keys. */
    static final List<ConfigKeys.Section> DOCS = List.of(
            ConfigKeys.section("engine.reader", KeySpec.of("type"))
                    .key("type", KINDS, "`image`", "`image`: JPEG/PNG files; `npy`: one file per sample or one "
                            + "array with a batch axis; `text`: lines (plain or .gz) + a HuggingFace tokenizer; "
                            + "`json`: flat number arrays; `table`: rows of a Parquet/ORC/Delta table or a catalog "
                            + "table, a column per model input (as the Java API's `Engine.withDataset`)"),
            ConfigKeys.section("engine.reader", withoutType(Kind.IMAGE), "image reader")
                    .key("input", "string", "the model's only input", "model input to feed")
                    .key("resize_shorter", "integer ≥ 1", "off", "resize so the shorter side has this length "
                            + "(bilinear, as PIL)")
                    .key("center_crop", "integer or [height, width]", "off", "center crop after resizing")
                    .key("resize", "[height, width]", "off", "resize directly, ignoring the aspect ratio")
                    .key("letterbox", "integer or [height, width]", "off", "aspect-preserving resize pasted "
                            + "top-left on a canvas of this size (alone, not with the other geometry keys)")
                    .key("letterbox_fill", "number in [0, 255]", "114", "fill value of the letterbox canvas")
                    .key("scale", "number > 0", "1", "divisor of 0–255 pixel values")
                    .key("mean", "3 numbers or 1", "none", "per-channel mean subtracted after scaling (one number: "
                            + "every channel)")
                    .key("std", "3 numbers > 0 or 1", "none", "per-channel std divided after the mean")
                    .key("color", "`RGB`, `BGR`", "`RGB`", "channel order fed to the model")
                    .key("layout", "`NCHW`, `NHWC`", "`NCHW`", "tensor layout fed to the model; the channel count "
                            + "comes from the model input: 3 (colour), 1 (luma 0.299 R + 0.587 G + 0.114 B, as "
                            + "Pillow's `L`), 4 (colour + the constant `alpha`)")
                    .key("alpha", "number", "1", "the value of the fourth channel of a 4-channel input, fed as is")
                    .key("labels", "object", "none", "class labels (see `engine.reader.labels`)"),
            ConfigKeys.section("engine.reader", withoutType(Kind.NPY), "npy reader")
                    .key("inputs", "object: input name → sub-folder or file", "the data source for the only input",
                            "per-input data of a multi-input model")
                    .key("batch_axis", "boolean", "false", "each file is one array of samples (axis 0) instead of "
                            + "one sample")
                    .key("labels", "object", "none", "class labels (see `engine.reader.labels`)"),
            ConfigKeys.section("engine.reader", withoutType(Kind.TEXT), "text reader")
                    .key("tokenizer", "path or URI", "required", "HuggingFace `tokenizer.json`, local or on a Hadoop file "
                            + "system (read once by the driver, shipped to the executors)")
                    .key("max_length", "integer ≥ 1", "128", "truncate to this many tokens")
                    .key("skip_lines", "integer ≥ 0", "0", "lines skipped at the start (keeps calibration and "
                            + "evaluation text apart)")
                    .key("max_lines", "integer ≥ 1", "all lines", "lines read at most")
                    .key("format", "`lines`, `pairs`", "`lines`", "`lines`: one sample per line; `pairs`: each line "
                            + "is a delimited row with two sentences and a gold score (STS Benchmark), one sample = "
                            + "both sentences as a batch of 2 (padded to the longer), target = the score")
                    .key("score_column", "integer ≥ 1", "5", "(pairs) 1-based column of the gold score")
                    .key("first_column", "integer ≥ 1", "6", "(pairs) 1-based column of the first sentence")
                    .key("second_column", "integer ≥ 1", "7", "(pairs) 1-based column of the second sentence")
                    .key("delimiter", "string", "tab", "(pairs) column separator; no quoting, extra columns "
                            + "ignored"),
            ConfigKeys.section("engine.reader", withoutType(Kind.JSON), "json reader")
                    .key("input", "string", "the model's only input", "model input to feed")
                    .key("key", "string", "`data`", "field holding the number array")
                    .key("labels", "object", "none", "class labels (see `engine.reader.labels`)"),
            ConfigKeys.section("engine.reader", withoutType(Kind.TABLE), "table reader")
                    .key("format", TABLE_FORMATS, "`parquet`", "how the table at `data_source` is stored "
                            + "(`delta` needs Delta Lake's jars on the classpath); the rows' partitions are the "
                            + "Spark partitions (`num_partitions` does not apply)")
                    .key("table", "string", "none", "a catalog table name (`db.table`) read instead of "
                            + "`data_source`")
                    .key("eval_table", "string", "none", "a catalog table name read instead of "
                            + "`eval_data_source`")
                    .key("annotation_column", "string", "`label` when the table has that column",
                            "column of the class label (integer) or target (floating); `\"\"`: none. Input columns are "
                            + "named like the model inputs, values flattened as array<number> or binary, with an "
                            + "optional `<input>_shape` column"));


    private static KeySpec withoutType(Kind kind) {
        return KeySpec.of(kind.fields.stream().filter(f -> !f.equals("type")).toArray(String[]::new));
    }

    private ReaderBinder() {
    }

    /** The bound reader ({@code image} with defaults when absent). */
    static ReaderSpec bind(ObjectView engine, BindContext ctx) {
        String path = engine.path("reader");
        JsonNode raw = engine.raw("reader");
        Kind kind = Kind.IMAGE;
        if (raw != null && raw.isObject() && raw.hasNonNull("type")) {
            Optional<Kind> k = KINDS.read(raw.get("type"), ObjectView.child(path, "type"), ctx.problems());
            if (k.isEmpty()) {
                return ImageReaderBinder.bind(ObjectView.empty(path, ctx.problems()), ctx);
            }
            kind = k.get();
        }
        ObjectView r = raw == null ? ObjectView.empty(path, ctx.problems())
                : ObjectView.open(raw, path, ctx.problems(), kind.keys())
                        .orElseGet(() -> ObjectView.empty(path, ctx.problems()));
        return switch (kind) {
            case IMAGE -> ImageReaderBinder.bind(r, ctx);
            case NPY -> npy(r, ctx);
            case TEXT -> text(r, ctx);
            case JSON -> new JsonArrayReaderSpec(r.string("input").orElse(null), r.string("key").orElse("data"),
                    LabelsBinder.bind(r, Layout.ONE_FILE_PER_SAMPLE, ctx));
            case TABLE -> new TableReaderSpec(r.choice("format", TABLE_FORMATS).orElse(TableReaderSpec.Format.PARQUET),
                    r.string("table").orElse(null), r.string("eval_table").orElse(null),
                    r.string("annotation_column").orElse(null));
        };
    }

    /** Whether the reader block of {@code engine} configures labels (valid or not). */
    static boolean hasLabels(ObjectView engine) {
        JsonNode raw = engine.raw("reader");
        return raw != null && raw.isObject() && (raw.hasNonNull("labels") || "table".equals(raw.path("type")
                .asText()) && !raw.path("annotation_column").asText("").isEmpty());
    }

    private static NpyReaderSpec npy(ObjectView r, BindContext ctx) {
        boolean batchAxis = r.bool("batch_axis").orElse(false);
        Map<String, String> inputs = new LinkedHashMap<>();
        r.map("inputs").ifPresent(in -> {
            for (String name : in.keys()) {
                in.string(name).ifPresent(rel -> inputs.put(name, rel));
            }
        });
        LabelSpec labels = LabelsBinder.bind(r, batchAxis ? Layout.NPY_BATCH : Layout.ONE_FILE_PER_SAMPLE, ctx);
        return new NpyReaderSpec(inputs, batchAxis, labels);
    }

    private static TextReaderSpec text(ObjectView r, BindContext ctx) {
        Location tokenizer = r.require("tokenizer") ? r.location("tokenizer", ctx.baseDir()).orElse(null) : null;
        if (tokenizer != null) {
            ctx.requireFile(r.path("tokenizer"), tokenizer, FileKind.FILE, Origin.CONFIG);
        }
        int maxLength = r.intValue("max_length", 1, Integer.MAX_VALUE).orElse(128);
        int skipLines = r.intValue("skip_lines", 0, Integer.MAX_VALUE).orElse(0);
        Integer maxLines = r.intValue("max_lines", 1, Integer.MAX_VALUE).orElse(null);
        return new TextReaderSpec(tokenizer, maxLength, skipLines, maxLines, pairColumns(r));
    }

    private static final Choices<TextReaderSpec.Format> TEXT_FORMATS = Choices.<TextReaderSpec.Format>builder()
            .value("lines", TextReaderSpec.Format.LINES).value("pairs", TextReaderSpec.Format.PAIRS).build();

    /** {@code format: "pairs"} and its columns (1-based, STS Benchmark defaults); {@code null} for lines. */
    private static TextReaderSpec.PairColumns pairColumns(ObjectView r) {
        TextReaderSpec.Format format = r.choice("format", TEXT_FORMATS).orElse(TextReaderSpec.Format.LINES);
        TextReaderSpec.PairColumns sts = TextReaderSpec.PairColumns.STS;
        if (format == TextReaderSpec.Format.LINES) {
            for (String key : List.of("score_column", "first_column", "second_column", "delimiter")) {
                if (r.has(key)) {
                    r.problem(key, "only applies to format \"pairs\" (sentence pairs with a score)");
                }
            }
            return null;
        }
        int score = r.intValue("score_column", 1, 1000).orElse(sts.score());
        int first = r.intValue("first_column", 1, 1000).orElse(sts.first());
        int second = r.intValue("second_column", 1, 1000).orElse(sts.second());
        // read raw: a tab or a space is blank text, which string() rejects
        JsonNode raw = r.raw("delimiter");
        String delimiter = raw == null || raw.isNull() ? sts.delimiter() : raw.isTextual() ? raw.textValue() : "";
        if (delimiter.isEmpty()) {
            r.problem("delimiter", "must be a non-empty string (default a tab, \"\\t\")");
        }
        if (score == first || score == second || first == second) {
            r.problem("format", "score_column " + score + ", first_column " + first + " and second_column " + second
                    + " must be three different columns");
        }
        return new TextReaderSpec.PairColumns(score, first, second, delimiter);
    }
}
