package dev.sparkptq.pipeline;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.config.QuantizationParams;
import dev.sparkptq.data.DataSources;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.runtime.ort.OrtEngineFactory;
import dev.sparkptq.step.ModelState;
import dev.sparkptq.step.Step;
import dev.sparkptq.step.StepContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * Runs steps as a pipeline run does, for tests of one algorithm: the config's calibration samples (its
 * {@code stat_subset_size}, seeded), the in-process backend with ONNX Runtime, the pipeline's composition (shared
 * passes, checked statistics) and its initial report sections.
 */
public final class StepHarness {
    public final StepContext context;

    private StepHarness(StepContext context) {
        this.context = context;
    }

    /** The run of {@code config} on {@code model}; scratch files go under {@code dir}. */
    public static StepHarness of(PtqConfig config, OnnxMl.ModelProto model, Path dir) throws IOException {
        QuantizationParams params = config.compression().algorithms().get(0).params();
        QuantizationPipeline.Samples samples = QuantizationPipeline.Samples.select(params, DataSources.create(
                config.engine().reader(), config.engine().dataSource(), ModelGraph.of(model).inputs()));
        RunOptions options = new RunOptions(dir.resolve("out"), RunOptions.Evaluation.SKIP, 1,
                Files.createDirectories(dir.resolve("work")));
        RunPasses passes = RunPasses.of(new InProcessBackend(new OrtEngineFactory()), config, params,
                samples.source(), samples.selected(), options);
        return new StepHarness(new StepContext(config, params, passes, m -> { }, List.of()));
    }

    /** The state a run starts from for {@code model} (as loaded and prepared). */
    public ModelState initial(OnnxMl.ModelProto model) {
        return QuantizationPipeline.initial(ModelState.of(model), context.params(), List.of());
    }

    /** {@code steps}, built for this run, applied to {@code state} in order. */
    @SafeVarargs
    public final ModelState run(ModelState state, Function<StepContext, Step>... steps) {
        Stopwatch clock = new Stopwatch();
        RunPasses passes = (RunPasses) context.passes();
        FloatPasses floatPasses = new FloatPasses(passes, m -> { }, clock, null, "test", "test");
        List<Step> built = java.util.Arrays.stream(steps).map(s -> s.apply(context)).toList();
        return new StepRunner(floatPasses::collect, clock).run(built, state);
    }
}
