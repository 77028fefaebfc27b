package dev.sparkptq.pipeline;

import dev.sparkptq.runtime.IndexedJob;
import dev.sparkptq.config.EngineSection;
import dev.sparkptq.config.NpyReaderSpec;
import dev.sparkptq.core.DataException;
import dev.sparkptq.data.DataSource;
import dev.sparkptq.data.DataSources;
import dev.sparkptq.data.SampleRef;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.TinyModels;
import dev.sparkptq.runtime.EngineFactory;
import dev.sparkptq.runtime.ort.OrtEngineFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** engine.skip_bad_samples: one decoding job per new set of samples, bad files left out and reported. */
class SampleScreenTest {
    @TempDir
    Path tmp;

    /** The in-process backend, counting the indexed jobs it runs (the screening jobs). */
    private static final class Counting implements StatisticsBackend {
        private final InProcessBackend inner;
        int jobs;

        Counting(EngineFactory engines) {
            inner = new InProcessBackend(engines);
        }

        @Override
        public <R extends Serializable> List<R> runIndexed(IndexedJob<R> job) {
            jobs++;
            return inner.runIndexed(job);
        }

        @Override
        public dev.sparkptq.stats.StatisticsSet collect(StatisticsJob job, List<SampleRef> refs, int partitions) {
            return inner.collect(job, refs, partitions);
        }

        @Override
        public dev.sparkptq.stats.HistogramSet histograms(StatisticsJob job, List<SampleRef> refs, int partitions) {
            return inner.histograms(job, refs, partitions);
        }

        @Override
        public EvaluationResult evaluate(EvaluationJob job, List<SampleRef> refs, int partitions) {
            return inner.evaluate(job, refs, partitions);
        }

        @Override
        public QuantNoiseSums quantNoise(QuantNoiseJob job, List<SampleRef> refs, int partitions) {
            return inner.quantNoise(job, refs, partitions);
        }

        @Override
        public EngineFactory engines() {
            return inner.engines();
        }

        @Override
        public String describe() {
            return inner.describe();
        }
    }

    private static EngineSection engine(boolean skip, int partitions) {
        return new EngineSection("simplified", dev.sparkptq.core.Location.of(Path.of("data")), null, null, List.of(), partitions, null, 0, skip,
                true);
    }

    private DataSource npy(TinyRun t) {
        return DataSources.create(new NpyReaderSpec(Map.of(), false, null), t.data,
                ModelGraph.of(TinyModels.convReluConv()).inputs());
    }

    @Test
    void badFilesAreFoundOnceLeftOutOfEveryPassAndNamed() throws Exception {
        TinyRun t = TinyRun.create(tmp, 5, 1);
        Files.writeString(t.data.resolve("s001.npy"), "damaged");
        Files.write(t.data.resolve("s003.npy"), new byte[] {(byte) 0x93, 'N', 'U', 'M'});
        DataSource source = npy(t);
        List<SampleRef> refs = source.list();
        List<String> warnings = new ArrayList<>();
        Counting backend = new Counting(new OrtEngineFactory());
        SampleScreen screen = new SampleScreen(engine(true, 2), warnings);
        List<SampleRef> good = screen.filter(backend, source, refs);
        assertEquals(List.of("s000.npy", "s002.npy", "s004.npy"), good.stream().map(r -> r.id().value()).toList());
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).startsWith("skipped 2 of 5 samples that do not decode (engine.skip_bad_samples): "
                + "s001.npy (") && warnings.get(0).contains("s003.npy ("), warnings.get(0));
        assertEquals(good, screen.filter(backend, source, refs), "a later pass gets the same samples");
        assertEquals(1, backend.jobs, "without decoding them again");
        assertEquals(1, warnings.size());
    }

    @Test
    void withoutTheKeyNothingRunsAndEveryBadSampleMeansFailure() throws Exception {
        TinyRun t = TinyRun.create(tmp, 2, 2);
        Files.writeString(t.data.resolve("s000.npy"), "damaged");
        Files.writeString(t.data.resolve("s001.npy"), "damaged too");
        DataSource source = npy(t);
        Counting backend = new Counting(new OrtEngineFactory());
        assertEquals(source.list(), new SampleScreen(engine(false, 2), new ArrayList<>()).filter(backend, source,
                source.list()));
        assertEquals(0, backend.jobs);
        DataException e = assertThrows(DataException.class, () -> new SampleScreen(engine(true, 2),
                new ArrayList<>()).filter(backend, source, source.list()));
        assertTrue(e.getMessage().startsWith("every one of the 2 samples"), e.getMessage());
    }

    @Test
    void theWarningKeepsTheProblemAndDropsTheReadersAdvice() {
        assertEquals("image a.jpg is truncated or corrupt (the decoder says: x; y)", SampleScreen.problem(
                "image a.jpg is truncated or corrupt (the decoder says: x; y); replace the file, or set it"));
        assertEquals("no advice here", SampleScreen.problem("no advice  here"));
    }
}
