package dev.sparkptq.pipeline;

import dev.sparkptq.core.InternalException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Replaces the run in an output folder so that {@code kill -9} at any instant leaves either the complete earlier run,
 * the complete new one, or a state the next run (or {@link #recover}) rolls forward to the complete new one — never
 * a {@code model.onnx} of one run beside a {@code report.json} of another. A folder cannot be replaced by one
 * rename when it holds several files (and the output folder is the user's, it cannot be swapped), hence a rename
 * dance with a journal:
 * <ol>
 *   <li>the new files are written into {@code .spark-ptq-tmp-*} (never published; deleted by recovery);</li>
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

    /** Steps 2–5: commits the complete staging folder {@code tmp} and publishes it into {@code outputDir}. */
    static void publish(Path tmp, Path outputDir) throws IOException {
        List<String> present = new ArrayList<>();
        for (String f : FILES) {
            if (Files.exists(tmp.resolve(f))) {
                present.add(f);
            }
        }
        Files.write(tmp.resolve(MANIFEST), present, StandardCharsets.UTF_8);
        Path committed = outputDir.resolve(NEW_PREFIX + suffix(tmp, TMP_PREFIX));
        move(tmp, committed);
        rollForward(committed, outputDir);
    }

    /**
     * Finishes a replace that a killed run left half done and removes its leftovers. Returns what was done (empty
     * when the folder was clean), for the log.
     */
    public static List<String> recover(Path outputDir) {
        List<String> done = new ArrayList<>();
        if (!Files.isDirectory(outputDir)) {
            return done;
        }
        try {
            for (Path p : list(outputDir, TMP_PREFIX)) {
                Scratch.delete(p);
                done.add("removed the unfinished output " + p.getFileName() + " of an interrupted run");
            }
            for (Path p : list(outputDir, NEW_PREFIX)) {
                rollForward(p, outputDir);
                done.add("finished publishing the output of an interrupted run (" + p.getFileName() + ")");
            }
            for (Path p : list(outputDir, OLD_PREFIX)) {
                Scratch.delete(p);
            }
        } catch (IOException e) {
            throw new InternalException("cannot finish the interrupted replace of the output in " + outputDir + ": "
                    + e.getMessage() + "; check the folder's permissions", e);
        }
        return done;
    }

    /** Steps 3–5 for a committed folder; safe to repeat from any state they leave. */
    private static void rollForward(Path committed, Path outputDir) throws IOException {
        if (!Files.exists(committed.resolve(MANIFEST))) {
            Scratch.delete(committed); // killed while deleting it: its files were all published already
            return;
        }
        List<String> manifest = Files.readAllLines(committed.resolve(MANIFEST), StandardCharsets.UTF_8);
        Path old = outputDir.resolve(OLD_PREFIX + suffix(committed, NEW_PREFIX));
        Files.createDirectories(old);
        for (String f : FILES.stream().sorted(Comparator.comparing(FILES::indexOf).reversed()).toList()) {
            // in the output folder and not yet published from the committed folder: it belongs to the earlier run
            boolean earlier = !manifest.contains(f) || Files.exists(committed.resolve(f));
            if (earlier && Files.exists(outputDir.resolve(f))) {
                move(outputDir.resolve(f), old.resolve(f));
            }
        }
        for (String f : FILES) {
            if (Files.exists(committed.resolve(f))) {
                move(committed.resolve(f), outputDir.resolve(f));
            }
        }
        Scratch.delete(old);
        Scratch.delete(committed);
    }

    private static List<Path> list(Path dir, String prefix) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, prefix + "*")) {
            s.forEach(out::add);
        }
        return out;
    }

    private static String suffix(Path p, String prefix) {
        return p.getFileName().toString().substring(prefix.length());
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
