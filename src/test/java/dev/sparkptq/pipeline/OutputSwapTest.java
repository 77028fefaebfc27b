package dev.sparkptq.pipeline;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A replace killed after any single rename or delete of the dance is finished by {@link OutputSwap#recover}: the
 * folder then holds exactly the earlier run (killed before the commit) or exactly the new one. The interrupted
 * states are rebuilt here step by step from the protocol, independently of OutputSwap's own code.
 */
class OutputSwapTest {
    @TempDir
    Path dir;

    private static final List<String> ORDER = List.of("model.onnx.data", "model.onnx", "statistics.json",
            "report.html", "report.json");

    private static Map<String, String> run(String tag, boolean external) {
        Map<String, String> files = new TreeMap<>();
        for (String f : ORDER) {
            if (external || !f.endsWith(".data")) {
                files.put(f, tag + ":" + f);
            }
        }
        return files;
    }

    /** The operations of the dance, as the protocol describes them; applies the first {@code k}. */
    private static int apply(Path out, Map<String, String> old, Map<String, String> neu, int k) throws Exception {
        List<Op> ops = new ArrayList<>();
        Path tmp = out.resolve(".spark-ptq-tmp-1");
        Path committed = out.resolve(".spark-ptq-new-1");
        Path aside = out.resolve(".spark-ptq-old-1");
        ops.add(() -> Files.move(tmp, committed));
        ops.add(() -> Files.createDirectories(aside));
        for (int i = ORDER.size() - 1; i >= 0; i--) {
            String f = ORDER.get(i);
            if (old.containsKey(f)) {
                ops.add(() -> Files.move(out.resolve(f), aside.resolve(f)));
            }
        }
        for (String f : ORDER) {
            if (neu.containsKey(f)) {
                ops.add(() -> Files.move(committed.resolve(f), out.resolve(f)));
            }
        }
        for (String f : ORDER) {
            if (old.containsKey(f)) {
                ops.add(() -> Files.delete(aside.resolve(f)));
            }
        }
        ops.add(() -> Files.delete(aside));
        ops.add(() -> Files.delete(committed.resolve(".manifest")));
        ops.add(() -> Files.delete(committed));
        for (int i = 0; i < Math.min(k, ops.size()); i++) {
            ops.get(i).run();
        }
        return ops.size();
    }

    private interface Op {
        void run() throws Exception;
    }

    private static void lay(Path out, Map<String, String> old, Map<String, String> neu) throws Exception {
        Files.createDirectories(out);
        for (var e : old.entrySet()) {
            Files.writeString(out.resolve(e.getKey()), e.getValue());
        }
        Path tmp = Files.createDirectories(out.resolve(".spark-ptq-tmp-1"));
        for (var e : neu.entrySet()) {
            Files.writeString(tmp.resolve(e.getKey()), e.getValue());
        }
        Files.write(tmp.resolve(".manifest"), ORDER.stream().filter(neu::containsKey).toList());
    }

    private static Map<String, String> contents(Path out) throws Exception {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> s = Files.list(out)) {
            for (Path p : s.toList()) {
                files.put(p.getFileName().toString(), Files.isDirectory(p) ? "<dir>" : Files.readString(p));
            }
        }
        return files;
    }

    private void everyInterruptionRecovers(boolean oldExternal, boolean newExternal) throws Exception {
        Map<String, String> old = run("old", oldExternal);
        Map<String, String> neu = run("new", newExternal);
        int steps = apply(Files.createDirectories(dir.resolve("count")), Map.of(), Map.of(), 0);
        for (int k = 0; k <= steps + 1; k++) {
            Path out = dir.resolve(oldExternal + "-" + newExternal + "-" + k);
            lay(out, old, neu);
            int total = apply(out, old, neu, k);
            OutputSwap.recover(out);
            assertEquals(k == 0 ? old : neu, contents(out), "killed after step " + k + " of " + total);
        }
    }

    @Test
    void aReplaceKilledAtAnyStepIsFinishedByRecovery() throws Exception {
        everyInterruptionRecovers(false, false);
        everyInterruptionRecovers(true, false);
        everyInterruptionRecovers(false, true);
        everyInterruptionRecovers(true, true);
    }

    @Test
    void publishReplacesAnEarlierRunAndItsStaleExternalData() throws Exception {
        Path out = dir.resolve("out");
        Map<String, String> old = run("old", true);
        Map<String, String> neu = run("new", false);
        lay(out, old, neu);
        OutputSwap.publish(out.resolve(".spark-ptq-tmp-1"), out);
        assertEquals(neu, contents(out));
    }

    @Test
    void recoveryOfACleanFolderChangesNothing() throws Exception {
        Path out = dir.resolve("clean");
        Map<String, String> old = run("old", true);
        lay(out, old, Map.of());
        Files.delete(out.resolve(".spark-ptq-tmp-1/.manifest"));
        Files.delete(out.resolve(".spark-ptq-tmp-1"));
        assertEquals(List.of(), OutputSwap.recover(out));
        assertEquals(old, contents(out));
    }
}
