package dev.sparkptq.pipeline;

import dev.sparkptq.core.InternalException;
import dev.sparkptq.storage.Folder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * Replaces the run in an output folder so that {@code kill -9} at any instant leaves either the complete earlier run,
 * the complete new one, or a state the next run (or {@link #recover}) rolls forward to the complete new one — never
 * a {@code model.onnx} of one run beside a {@code report.json} of another. A folder cannot be replaced by one
 * rename when it holds several files (and the output folder is the user's, it cannot be swapped), hence a rename
 * dance with a journal, on any file system whose renames are atomic (local disks, HDFS):
 * <ol>
 *   <li>the new files are written into {@code .spark-ptq-tmp-*} (never published; deleted by recovery) — on the
 *   output's own file system, so the renames below stay within it (a remote output is written locally first and
 *   uploaded into that folder);</li>
 *   <li>a manifest naming them is written, then that folder is renamed to {@code .spark-ptq-new-*} in one atomic
 *   rename — from here on the new run is committed;</li>
 *   <li>every file of the earlier run is moved into {@code .spark-ptq-old-*}, report.json first (so the earlier run
 *   stops looking complete before anything changes);</li>
 *   <li>the new files are moved in, report.json last (its presence means the whole output is there);</li>
 *   <li>the old folder, then the emptied new one, are deleted.</li>
 * </ol>
 * Every step is idempotent given the folder's state, so {@link #recover} simply repeats steps 3–5 for any
 * {@code .spark-ptq-new-*} it finds. Readers that poll the folder should take report.json as the completion mark
 * and check {@code output.sha256} against model.onnx; a folder holding {@code .spark-ptq-new-*} is mid-replace.
 * Two runs must not write the same output folder at the same time.
 *
 * <p>On object stores (S3, GCS, Azure Blob) a rename copies and deletes, so there is no atomic commit to build on;
 * there every file is instead one object written in one final PUT ({@link #putEach}): report.json and model.onnx of
 * the earlier run are deleted first, then the new files are written, external data before model.onnx and
 * report.json last. An interrupted replace then leaves no report.json (incomplete, as above) and never a model.onnx
 * that is half-written or reads another run's external data.
 */
public final class OutputSwap {
    static final String TMP_PREFIX = ".spark-ptq-tmp-";
    static final String NEW_PREFIX = ".spark-ptq-new-";
    static final String OLD_PREFIX = ".spark-ptq-old-";
    static final String MANIFEST = ".manifest";

    /** The files of one run, in publication order: report.json last. */
    static final List<String> FILES = List.of(OutputWriter.MODEL + ".data", OutputWriter.MODEL,
            OutputWriter.STATISTICS, OutputWriter.REPORT_HTML, OutputWriter.REPORT);

    private OutputSwap() {
    }

    /** Steps 2–5 for a local staging folder {@code tmp} inside the local output folder {@code outputDir}. */
    static void publish(Path tmp, Path outputDir) throws IOException {
        publish(tmp, Folder.of(dev.sparkptq.core.Location.of(outputDir)));
    }

    /**
     * Publishes the complete local staging folder {@code tmp} into {@code out}: by the rename dance when {@code tmp}
     * is already inside {@code out} (local outputs) or after uploading it into a staging folder of {@code out}
     * (remote file systems with atomic renames), else one PUT per file (object stores).
     */
    static void publish(Path tmp, Folder out) throws IOException {
        if (!out.atomicRename()) {
            putEach(tmp, out);
            return;
        }
        String staged;
        if (out.location().isLocal() && tmp.toAbsolutePath().getParent().equals(out.location().path())) {
            staged = tmp.getFileName().toString();
        } else {
            staged = TMP_PREFIX + UUID.randomUUID();
            out.mkdirs(staged);
            for (String f : present(tmp)) {
                out.upload(tmp.resolve(f), staged + "/" + f);
            }
        }
        List<String> files = present(tmp);
        out.write(staged + "/" + MANIFEST, String.join("\n", files).getBytes(StandardCharsets.UTF_8));
        String committed = NEW_PREFIX + staged.substring(TMP_PREFIX.length());
        out.rename(staged, committed);
        rollForward(out, committed);
    }

    /** The files of {@link #FILES} that {@code tmp} holds, in publication order. */
    private static List<String> present(Path tmp) {
        return FILES.stream().filter(f -> Files.exists(tmp.resolve(f))).toList();
    }

    /** Object stores: the earlier run stops looking complete, then each new file is one object, report.json last. */
    private static void putEach(Path tmp, Folder out) throws IOException {
        out.mkdirs("");
        out.delete(OutputWriter.REPORT);
        out.delete(OutputWriter.MODEL);
        List<String> files = present(tmp);
        for (String f : FILES) {
            if (!files.contains(f)) {
                out.delete(f); // an earlier run's external data must not outlive its model
            }
        }
        for (String f : files) {
            out.upload(tmp.resolve(f), f);
        }
    }

    /**
     * Finishes a replace that a killed run left half done and removes its leftovers. Returns what was done (empty
     * when the folder was clean), for the log.
     */
    public static List<String> recover(Path outputDir) {
        return recover(Folder.of(dev.sparkptq.core.Location.of(outputDir)));
    }

    /** {@link #recover(Path)} on any file system. */
    public static List<String> recover(Folder out) {
        List<String> done = new ArrayList<>();
        try {
            for (String p : out.list(TMP_PREFIX)) {
                out.delete(p);
                done.add("removed the unfinished output " + p + " of an interrupted run");
            }
            for (String p : out.list(NEW_PREFIX)) {
                rollForward(out, p);
                done.add("finished publishing the output of an interrupted run (" + p + ")");
            }
            for (String p : out.list(OLD_PREFIX)) {
                out.delete(p);
            }
        } catch (IOException e) {
            throw new InternalException("cannot finish the interrupted replace of the output in " + out.location()
                    + ": " + e.getMessage() + "; check the folder's permissions", e);
        }
        return done;
    }

    /** Steps 3–5 for a committed folder; safe to repeat from any state they leave. */
    private static void rollForward(Folder out, String committed) throws IOException {
        if (!out.exists(committed + "/" + MANIFEST)) {
            out.delete(committed); // killed while deleting it: its files were all published already
            return;
        }
        List<String> manifest = Arrays.asList(new String(out.read(committed + "/" + MANIFEST),
                StandardCharsets.UTF_8).split("\n"));
        String old = OLD_PREFIX + committed.substring(NEW_PREFIX.length());
        out.mkdirs(old);
        for (String f : FILES.stream().sorted(Comparator.comparing(FILES::indexOf).reversed()).toList()) {
            // in the output folder and not yet published from the committed folder: it belongs to the earlier run
            boolean earlier = !manifest.contains(f) || out.exists(committed + "/" + f);
            if (earlier && out.exists(f)) {
                out.rename(f, old + "/" + f);
            }
        }
        for (String f : FILES) {
            if (out.exists(committed + "/" + f)) {
                out.rename(committed + "/" + f, f);
            }
        }
        out.delete(old);
        out.delete(committed);
    }
}
