package dev.sparkptq.aaq;

import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.pipeline.InProcessBackend;
import dev.sparkptq.pipeline.RunOptions;
import dev.sparkptq.pipeline.TinyRun;
import dev.sparkptq.runtime.ort.OrtEngineFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResumeTest {
    /** Stands for a crash: thrown from the log right after the first greedy iteration is decided. */
    private static final class Interrupted extends RuntimeException {
    }

    @Test
    void interruptedRunResumedWritesTheSameModelBytesAsAnUninterruptedOne(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 10, 8);
        PtqConfig config = AaqFixture.config(t, "\"maximal_drop\": 0.0");
        Path whole = tmp.resolve("whole");
        AccuracyAwareRun.Result full = AaqFixture.run(t, config, whole, false);
        assertEquals(2, full.run().report().accuracyAware().iterations().stream()
                .filter(i -> i.outcome().equals("kept") || i.outcome().equals("rolled_back")).count(),
                "needs two greedy iterations to test (then pruning tries each revert back)");

        Path cut = tmp.resolve("cut");
        RunOptions options = new RunOptions(cut, RunOptions.Evaluation.RUN, 1,
                Files.createDirectories(tmp.resolve("work2")));
        int[] iterations = {0};
        AccuracyAwareRun crashing = new AccuracyAwareRun(new InProcessBackend(new OrtEngineFactory()), m -> {
            if (m.startsWith("iteration ") && ++iterations[0] == 2) {
                throw new Interrupted();
            }
        });
        assertThrows(Interrupted.class, () -> crashing.run(config, options, false));
        assertFalse(Files.exists(cut.resolve("model.onnx")));
        assertTrue(Files.readString(cut.resolve(Checkpoint.FILE)).contains("\"iteration\" : 1"));

        AccuracyAwareRun.Result resumed = AaqFixture.run(t, config, cut, true);
        assertArrayEquals(Files.readAllBytes(full.run().model()), Files.readAllBytes(resumed.run().model()));
        assertEquals(full.run().report().accuracyAware().iterations(),
                resumed.run().report().accuracyAware().iterations());
    }

    /**
     * A crash right after the first checkpoint (baseline evaluated, no ranking round yet): the resumed run must
     * report what an uninterrupted one does, evaluation counts included — the first checkpoint once stored zero
     * full evaluations although the baseline evaluation had run, so a resumed report counted one fewer.
     */
    @Test
    void runResumedFromTheFirstCheckpointReportsTheSameSearchAndEvaluationCounts(@TempDir Path tmp)
            throws Exception {
        TinyRun t = TinyRun.create(tmp, 10, 8);
        PtqConfig config = AaqFixture.config(t, "\"maximal_drop\": 0.0");
        AccuracyAwareRun.Result full = AaqFixture.run(t, config, tmp.resolve("whole"), false);

        Path cut = tmp.resolve("cut");
        RunOptions options = new RunOptions(cut, RunOptions.Evaluation.RUN, 1,
                Files.createDirectories(tmp.resolve("work2")));
        AccuracyAwareRun crashing = new AccuracyAwareRun(new InProcessBackend(new OrtEngineFactory()), m -> {
            if (m.contains("revert groups; base drop")) { // logged after the first checkpoint, before any ranking
                throw new Interrupted();
            }
        });
        assertThrows(Interrupted.class, () -> crashing.run(config, options, false));
        assertTrue(Files.readString(cut.resolve(Checkpoint.FILE)).contains("\"rounds\" : [ ]"));

        AccuracyAwareRun.Result resumed = AaqFixture.run(t, config, cut, true);
        var expected = full.run().report().accuracyAware();
        var actual = resumed.run().report().accuracyAware();
        assertArrayEquals(Files.readAllBytes(full.run().model()), Files.readAllBytes(resumed.run().model()));
        assertEquals(expected.iterations(), actual.iterations());
        assertEquals(expected.revertedGroups(), actual.revertedGroups());
        assertEquals(expected.fullEvaluations(), actual.fullEvaluations(), "full evaluations");
        assertEquals(expected.subsetEvaluations(), actual.subsetEvaluations(), "subset evaluations");
    }

    @Test
    void aTemporaryCheckpointLeftByAKilledRunIsRemovedByTheNextSave(@TempDir Path tmp) throws Exception {
        Path stale = Files.writeString(tmp.resolve(".aaq-checkpoint-123.json"), "{\"recipe\": \"half writ");
        Path unrelated = Files.writeString(tmp.resolve(".aaq-checkpoint-notes.txt"), "kept");
        SearchState s = new SearchState();
        s.recipe = "r";
        Checkpoint.save(tmp, s);
        assertFalse(Files.exists(stale), "the killed run's temporary checkpoint is gone");
        assertTrue(Files.exists(unrelated), "only temporary checkpoints are removed");
        assertEquals("r", Checkpoint.load(tmp, "r").recipe);
        try (var files = Files.list(tmp)) {
            assertEquals(java.util.Set.of(Checkpoint.FILE, ".aaq-checkpoint-notes.txt"),
                    files.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet()));
        }
    }

    @Test
    void resumingAFolderWithoutACheckpointFailsBeforeAnyCalibration(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 6, 9);
        PtqConfig config = AaqFixture.config(t, "\"maximal_drop\": 0.0");
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        List<String> log = new java.util.ArrayList<>();
        AccuracyAwareRun run = new AccuracyAwareRun(new InProcessBackend(new OrtEngineFactory()), log::add);
        ConfigException e = assertThrows(ConfigException.class, () -> run.run(config,
                new RunOptions(empty, RunOptions.Evaluation.RUN, 1, Files.createDirectories(tmp.resolve("w"))), true));
        assertTrue(e.getMessage().contains("no aaq-checkpoint.json there"), e.getMessage());
        assertEquals(List.of(), log, "nothing ran (not even loading the model) before the missing checkpoint");
    }

    @Test
    void aCheckpointOfAnotherConfigIsRefused(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 6, 9);
        Path out = tmp.resolve("out");
        AaqFixture.run(t, AaqFixture.config(t, "\"maximal_drop\": 0.0"), out, false);
        Exception e = assertThrows(Exception.class,
                () -> AaqFixture.run(t, AaqFixture.config(t, "\"maximal_drop\": 0.001"), out, true));
        assertTrue(e.getMessage().contains("belongs to another model or config"), e.getMessage());
    }

    @Test
    void aCheckpointOfAnotherFormatIsRefusedNamingBothFormats(@TempDir Path tmp) throws Exception {
        SearchState s = new SearchState();
        s.recipe = "r";
        Checkpoint.save(tmp, s);
        String saved = Files.readString(tmp.resolve(Checkpoint.FILE));
        assertTrue(saved.contains("\"format\" : " + SearchState.FORMAT), saved);
        Files.writeString(tmp.resolve(Checkpoint.FILE), saved.replace("\"format\" : " + SearchState.FORMAT,
                "\"format\" : " + (SearchState.FORMAT + 1)));
        ConfigException e = assertThrows(ConfigException.class, () -> Checkpoint.load(tmp, "r"));
        assertTrue(e.getMessage().contains("format " + (SearchState.FORMAT + 1) + " but this spark-ptq reads format "
                + SearchState.FORMAT), e.getMessage());
        Files.writeString(tmp.resolve(Checkpoint.FILE), "{\"recipe\": \"r\"}");
        e = assertThrows(ConfigException.class, () -> Checkpoint.load(tmp, "r"));
        assertTrue(e.getMessage().contains("format 0"), "a checkpoint from before versioning: " + e.getMessage());
    }
}
