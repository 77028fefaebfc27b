package dev.sparkptq.cli;

import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.config.ImageReaderSpec;
import dev.sparkptq.config.JsonArrayReaderSpec;
import dev.sparkptq.config.LabelSpec;
import dev.sparkptq.config.NpyReaderSpec;
import dev.sparkptq.config.ReaderSpec;
import dev.sparkptq.config.TextReaderSpec;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.Location;
import dev.sparkptq.storage.Folder;
import dev.sparkptq.storage.Storage;

import java.io.IOException;
import java.util.UUID;

/**
 * The checks of a run's locations that need their file systems, made before any Spark job: each remote input must be
 * on a known, reachable file system and exist (local ones were checked by the config loader), and the output folder
 * must be writable there and, unless {@code --overwrite}, not hold an earlier model.
 */
final class RunLocations {
    private RunLocations() {
    }

    /** The model, the data sources and {@code --statistics} (null when absent). */
    static void checkInputs(PtqConfig config, Location statistics) {
        input(config.model().source(), "model.model", true);
        input(config.engine().data(), "engine.data_source", false);
        input(config.engine().evalData(), "engine.eval_data_source", false);
        input(statistics, "--statistics", true);
        input(readerFile(config.engine().reader()), "engine.reader." + (config.engine().reader()
                instanceof TextReaderSpec ? "tokenizer" : "labels.index_file"), true);
    }

    /** The reader's own file the driver reads (tokenizer.json, label index), null when none. */
    private static Location readerFile(ReaderSpec reader) {
        if (reader instanceof TextReaderSpec t) {
            return t.tokenizer();
        }
        LabelSpec labels = reader instanceof ImageReaderSpec i ? i.labels() : reader instanceof NpyReaderSpec n
                ? n.labels() : reader instanceof JsonArrayReaderSpec j ? j.labels() : null;
        return labels == null ? null : labels.indexFile();
    }

    private static void input(Location l, String what, boolean file) {
        if (l == null || l.isLocal()) {
            return;
        }
        Storage.check(l, what);
        if (!Storage.exists(l)) {
            throw new ConfigException(what + ": " + l + " does not exist");
        }
        if (file && !Storage.isFile(l)) {
            throw new ConfigException(what + ": " + l + " is not a regular file");
        }
    }

    /** An earlier result is never replaced by accident (unattended runs, schedulers): --overwrite says so. */
    static void refuseToReplace(Location outputDir, boolean overwrite) {
        boolean exists;
        try {
            exists = Folder.of(outputDir).exists("model.onnx");
        } catch (IOException e) {
            throw cannotWrite(outputDir, e);
        }
        if (!overwrite && exists) {
            throw new ConfigException("the output folder " + outputDir + " already holds a model.onnx; give "
                    + "--overwrite to replace it, or choose another --output-dir");
        }
    }

    /** Fails before any calibration when the output folder cannot be created or written. */
    static void requireWritable(Location outputDir) {
        Storage.check(outputDir, "--output-dir");
        Folder out = Folder.of(outputDir);
        try {
            if (out.isFile()) {
                throw new ConfigException("the output folder " + outputDir + " is a file, not a folder; choose "
                        + "another --output-dir");
            }
            out.mkdirs("");
            String probe = ".spark-ptq-probe-" + UUID.randomUUID();
            out.write(probe, new byte[0]);
            out.delete(probe);
        } catch (IOException | RuntimeException e) {
            if (e instanceof ConfigException c) {
                throw c;
            }
            throw cannotWrite(outputDir, e);
        }
    }

    private static ConfigException cannotWrite(Location outputDir, Exception e) {
        return new ConfigException("cannot write to the output folder " + outputDir + " (" + e.getClass()
                .getSimpleName() + ": " + e.getMessage() + "); choose a writable --output-dir", e);
    }
}
