package dev.sparkptq.pipeline;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.graph.TinyModels;
import dev.sparkptq.step.ModelState;
import dev.sparkptq.step.Statistics;
import dev.sparkptq.step.StatisticsRequest;
import dev.sparkptq.step.Step;
import dev.sparkptq.stats.Aggregation;
import dev.sparkptq.stats.PerSampleStat;
import dev.sparkptq.stats.StatResult;
import dev.sparkptq.stats.StatisticSpec;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The composition of steps without any model being run: a recording pass function stands for the statistics passes,
 * so which requests share a pass, which model each pass reads and what each step receives are checked directly.
 */
class StepRunnerTest {
    private static final OnnxMl.ModelProto MODEL = TinyModels.convReluConv();
    private static final OnnxMl.ModelProto REWRITTEN = TinyModels.matMulConstB();

    private static StatisticSpec mean(String tensor) {
        return new StatisticSpec(tensor, PerSampleStat.MEAN, -1, Aggregation.MEAN, null, null);
    }

    /** A pass function that records each pass (its model and requests) and answers every spec with its model's id. */
    private static final class Recorder implements BiFunction<ModelState, List<StatisticsRequest>,
            FloatPasses.Collected> {
        final List<OnnxMl.ModelProto> models = new ArrayList<>();
        final List<List<StatisticsRequest>> requests = new ArrayList<>();

        @Override
        public FloatPasses.Collected apply(ModelState state, List<StatisticsRequest> group) {
            models.add(state.model());
            requests.add(group);
            Map<StatisticSpec, StatResult> results = new HashMap<>();
            double id = state.model() == MODEL ? 1 : 2;
            group.forEach(r -> r.specs().forEach(s -> results.put(s, new StatResult(new double[]{id}, 1, 0))));
            return new FloatPasses.Collected(results, Map.of(), List.of("pass " + models.size()));
        }
    }

    /** A step asking for {@code specs}, recording what it received, and applying {@code change}. */
    private static final class Probe implements Step {
        final String name;
        final List<StatisticSpec> specs;
        final boolean rewrites;
        final UnaryOperator<ModelState> change;
        Statistics received;

        Probe(String name, List<StatisticSpec> specs, boolean rewrites, UnaryOperator<ModelState> change) {
            this.name = name;
            this.specs = specs;
            this.rewrites = rewrites;
            this.change = change;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public StatisticsRequest statistics(ModelState state) {
            return StatisticsRequest.of(specs);
        }

        @Override
        public boolean rewritesModel() {
            return rewrites;
        }

        @Override
        public ModelState apply(ModelState state, Statistics statistics) {
            received = statistics;
            return change.apply(state);
        }
    }

    private static Probe reader(String name, String... tensors) {
        return new Probe(name, java.util.Arrays.stream(tensors).map(StepRunnerTest::mean).toList(), false, s -> s);
    }

    private static Probe rewriter(String name, String... tensors) {
        return new Probe(name, java.util.Arrays.stream(tensors).map(StepRunnerTest::mean).toList(), true,
                s -> s.withModel(REWRITTEN));
    }

    @Test
    void consecutiveRequestsShareOnePassAndEachStepGetsOnlyItsOwn() {
        Recorder passes = new Recorder();
        Probe a = reader("a", "c1");
        Probe none = reader("none");
        Probe c = reader("c", "r1", "c1");
        ModelState out = new StepRunner(passes, new Stopwatch()).run(List.of(a, none, c), ModelState.of(MODEL));
        assertEquals(1, passes.requests.size(), "one pass for the three steps");
        assertEquals(2, passes.requests.get(0).size(), "a's and c's requests (none asked for nothing)");
        assertEquals(Set.of(mean("c1")), a.received.results().keySet());
        assertEquals(Set.of(mean("c1"), mean("r1")), c.received.results().keySet());
        assertEquals(Map.of(), none.received.results());
        assertEquals(List.of("pass 1"), out.warnings(), "the pass's warnings reach the state");
    }

    @Test
    void aStepThatRewritesTheModelEndsThePassGroupAndLaterStatisticsComeFromTheNewModel() {
        Recorder passes = new Recorder();
        Probe a = reader("a", "c1");
        Probe b = rewriter("b", "r1");
        Probe c = reader("c", "c1");
        new StepRunner(passes, new Stopwatch()).run(List.of(a, b, c), ModelState.of(MODEL));
        assertEquals(2, passes.requests.size());
        assertEquals(2, passes.requests.get(0).size(), "the rewriting step's own statistics are still of this model");
        assertEquals(List.of(MODEL, REWRITTEN), passes.models);
        assertEquals(1.0, a.received.get(mean("c1")).values()[0]);
        assertEquals(2.0, c.received.get(mean("c1")).values()[0], "c1 again, measured on the rewritten model");
    }

    @Test
    void statisticsCollectedForALaterStepAreNotCollectedTwice() {
        Recorder passes = new Recorder();
        Probe a = reader("a", "c1");
        Probe b = reader("b", "c1");
        new StepRunner(passes, new Stopwatch()).run(List.of(a, b), ModelState.of(MODEL));
        assertEquals(1, passes.requests.size());
        assertEquals(1.0, b.received.get(mean("c1")).values()[0]);
    }

    @Test
    void aStepThatRewritesTheModelWithoutSayingSoIsAnInternalError() {
        Probe sneaky = new Probe("sneaky", List.of(), false, s -> s.withModel(REWRITTEN));
        InternalException e = assertThrows(InternalException.class,
                () -> new StepRunner(new Recorder(), new Stopwatch()).run(List.of(sneaky), ModelState.of(MODEL)));
        assertTrue(e.getMessage().contains("'sneaky' rewrote the float model"), e.getMessage());
    }

    @Test
    void aRequestedStatisticThatDoesNotArriveIsAnInternalError() {
        BiFunction<ModelState, List<StatisticsRequest>, FloatPasses.Collected> empty =
                (s, g) -> new FloatPasses.Collected(Map.of(), Map.of(), List.of());
        InternalException e = assertThrows(InternalException.class,
                () -> new StepRunner(empty, new Stopwatch()).run(List.of(reader("a", "c1")), ModelState.of(MODEL)));
        assertTrue(e.getMessage().contains("did not arrive") && e.getMessage().contains("c1"), e.getMessage());
    }

    @Test
    void onlyStepsThatChangedTheStateEndATimingPhase() {
        Stopwatch clock = new Stopwatch();
        Probe idle = reader("idle");
        Probe warns = new Probe("warns", List.of(), false, s -> s.withWarning("w"));
        ModelState start = ModelState.of(MODEL);
        ModelState out = new StepRunner(new Recorder(), clock).run(List.of(idle, warns), start);
        assertTrue(idle.received != null, "the idle step ran");
        assertEquals(List.of("w"), out.warnings());
        Set<String> stages = clock.finish().keySet();
        assertTrue(stages.contains("warns") && !stages.contains("idle"), stages.toString());
    }
}
