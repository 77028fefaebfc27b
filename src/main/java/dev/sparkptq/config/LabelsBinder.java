package dev.sparkptq.config;

import dev.sparkptq.config.BindContext.FileKind;
import dev.sparkptq.config.BindContext.Origin;
import dev.sparkptq.config.LabelSpec.Source;
import dev.sparkptq.core.Location;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Binds a reader's {@code labels} block. Each label source has its own keys, and a key of the other source is a
 * contradiction (it would be silently ignored). {@code filename_prefix} needs one file per sample;
 * {@code npy_file} needs samples in one NPY batch, so each is only allowed with the layout it fits.
 */
final class LabelsBinder {
    static final KeySpec KEYS = KeySpec.of("from", "index_file", "separator", "file");

    private static final Choices<Source> SOURCES = Choices.<Source>builder()
            .value("filename_prefix", Source.FILENAME_PREFIX).value("npy_file", Source.NPY_FILE).build();

    static final ConfigKeys.Section DOCS = ConfigKeys.section("engine.reader.labels", KEYS)
            .key("from", SOURCES, "required", "`filename_prefix`: the file name up to `separator` names the class; "
                    + "`npy_file`: one label per row of a batched NPY array")
            .key("index_file", "path or URI", "classes numbered in sorted order", "(filename_prefix) class names, "
                    + "one per line, line number = label; local or on a Hadoop file system (read once by the driver)")
            .key("separator", "string", "`_`", "(filename_prefix) ends the class prefix of a file name")
            .key("file", "path", "`labels.npy` next to each data file", "(npy_file) the labels array");

    /** The sample layout of the reader the labels belong to. */
    enum Layout { ONE_FILE_PER_SAMPLE, NPY_BATCH }

    private LabelsBinder() {
    }

    /** The labels of {@code reader}, or null when it has none (or they are invalid: the problem is recorded). */
    static LabelSpec bind(ObjectView reader, Layout layout, BindContext ctx) {
        Optional<ObjectView> block = reader.object("labels", KEYS);
        if (block.isEmpty()) {
            return null;
        }
        ObjectView l = block.get();
        Optional<Source> from = l.require("from") ? l.choice("from", SOURCES) : Optional.empty();
        if (from.isEmpty()) {
            return null;
        }
        return from.get() == Source.FILENAME_PREFIX ? filenamePrefix(l, layout, ctx) : npyFile(l, layout, ctx);
    }

    private static LabelSpec filenamePrefix(ObjectView l, Layout layout, BindContext ctx) {
        if (l.has("file")) {
            l.problem("file", "only used with from: npy_file, filename_prefix labels take index_file and separator");
        }
        if (layout == Layout.NPY_BATCH) {
            l.problem("from", "filename_prefix needs one file per sample, but batch_axis is true, use npy_file");
        }
        Location index = l.location("index_file", ctx.baseDir()).orElse(null);
        if (index != null) {
            ctx.requireFile(l.path("index_file"), index, FileKind.FILE, Origin.CONFIG);
        }
        String separator = l.string("separator").orElse("_");
        return new LabelSpec(Source.FILENAME_PREFIX, index, separator, null);
    }

    private static LabelSpec npyFile(ObjectView l, Layout layout, BindContext ctx) {
        for (String key : new String[]{"index_file", "separator"}) {
            if (l.has(key)) {
                l.problem(key, "only used with from: filename_prefix, npy_file labels take file");
            }
        }
        if (layout != Layout.NPY_BATCH) {
            l.problem("from", "npy_file labels need the npy reader with batch_axis true (one label per row)");
        }
        // without "file", each data source's labels.npy next to its data file is used (so the calibration and the
        // evaluation split can each have their own labels)
        Path file = l.has("file") ? l.file("file", ctx.baseDir()).orElse(null) : null;
        if (file != null) {
            ctx.requireFile(l.path("file"), dev.sparkptq.core.Location.of(file), FileKind.FILE, Origin.CONFIG);
        }
        return new LabelSpec(Source.NPY_FILE, null, null, file);
    }
}
