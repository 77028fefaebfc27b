package dev.sparkptq.accuracy;

import dev.sparkptq.config.MetricSpec;
import dev.sparkptq.config.MetricSpec.Pooling;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.ModelException;
import dev.sparkptq.core.TensorInfo;

import java.util.Arrays;
import java.util.List;

/** Builds metrics from their config, checked against the model's outputs before any job runs. */
public final class Metrics {
    private Metrics() {
    }

    /**
     * @param spec         the configured metric
     * @param modelOutputs the FP32 model's outputs, in model order (a {@code null} output means the first)
     * @throws ConfigException when the spec names an unknown output or cannot apply to it
     */
    public static Metric create(MetricSpec spec, List<TensorInfo> modelOutputs) {
        if (spec.name() == null || spec.name().isBlank()) {
            throw new ConfigException("a metric of type " + spec.type() + " has no name; give every metric a name"
                    + " (it is the key in report.json)");
        }
        if (spec.type() == null) {
            throw new ConfigException("metric '" + spec.name() + "' has no type; use one of "
                    + Arrays.toString(MetricSpec.Type.values()));
        }
        if (spec.type() == MetricSpec.Type.CUSTOM) {
            return CustomMetrics.create(spec);
        }
        if (spec.type() == MetricSpec.Type.FIDELITY_COSINE || spec.type() == MetricSpec.Type.FIDELITY_SQNR) {
            return fidelity(spec, modelOutputs);
        }
        TensorInfo output = resolveOutput(spec, modelOutputs);
        return switch (spec.type()) {
            case ACCURACY -> accuracy(spec, output);
            case COSINE_TO_FP32 -> cosine(spec, output);
            case TOP1_AGREEMENT -> new Top1Agreement(spec.name(), output.name());
            case SPEARMAN -> new SpearmanCorrelation(spec.name(), requireRank(spec, output, 3, "[batch, seq, hidden]"));
            case MEAN_IOU -> new MeanIou(spec.name(), requireRank(spec, output, 4, "[N, C, H, W]"));
            case CUSTOM, FIDELITY_COSINE, FIDELITY_SQNR -> throw new dev.sparkptq.core.InternalException(
                    spec.type() + " metrics are created above");
        };
    }

    /**
     * Whether larger values of the configured metric are better, without a model at hand (for drops on the
     * driver): the configured direction, else a custom class's own, else true (every built-in metric).
     */
    public static boolean higherBetter(MetricSpec spec) {
        if (spec.direction() != null) {
            return spec.direction() == MetricSpec.Direction.HIGHER_BETTER;
        }
        return spec.type() != MetricSpec.Type.CUSTOM || CustomMetrics.create(spec).higherBetter();
    }

    private static String requireRank(MetricSpec spec, TensorInfo output, int rank, String layout) {
        long[] shape = output.shape();
        if (shape != null && shape.length != rank) {
            throw new ConfigException("metric '" + spec.name() + "' (" + spec.type().name().toLowerCase(
                    java.util.Locale.ROOT) + ") reads output '" + output.name() + "' shaped " + Arrays.toString(shape)
                    + " but needs " + layout + "; name the right output with 'output'");
        }
        return output.name();
    }

    private static Metric accuracy(MetricSpec spec, TensorInfo output) {
        if (spec.topK() < 1) {
            throw new ConfigException("metric '" + spec.name() + "' has topK " + spec.topK()
                    + "; top-k accuracy needs topK >= 1 (1 for top-1 accuracy)");
        }
        return new TopKAccuracy(spec.name(), output.name(), spec.topK());
    }

    private static Metric cosine(MetricSpec spec, TensorInfo output) {
        Pooling pooling = spec.pooling() == null ? Pooling.NONE : spec.pooling();
        long[] shape = output.shape();
        if (pooling == Pooling.MEAN && shape != null && shape.length != 3) {
            throw new ConfigException("metric '" + spec.name() + "' mean-pools output '" + output.name()
                    + "' but it has shape " + Arrays.toString(shape) + "; mean pooling needs [batch, seq, hidden]"
                    + ", use pooling NONE for other outputs");
        }
        return new CosineToFp32(spec.name(), output.name(), pooling);
    }

    /** Every output of the model, or the one the spec names. */
    private static Metric fidelity(MetricSpec spec, List<TensorInfo> modelOutputs) {
        List<String> outputs = spec.output() != null ? List.of(resolveOutput(spec, modelOutputs).name())
                : modelOutputs.stream().map(TensorInfo::name).toList();
        if (outputs.isEmpty()) {
            resolveOutput(spec, modelOutputs); // the model declares no outputs: its error
        }
        return new OutputFidelity(spec.name(), outputs, spec.type() == MetricSpec.Type.FIDELITY_COSINE
                ? FidelityAccumulator.Fidelity.COSINE : FidelityAccumulator.Fidelity.SQNR);
    }

    private static TensorInfo resolveOutput(MetricSpec spec, List<TensorInfo> modelOutputs) {
        if (modelOutputs.isEmpty()) {
            throw new ModelException("the model declares no outputs, so metric '" + spec.name()
                    + "' has nothing to read; export the model with its outputs");
        }
        if (spec.output() == null) {
            return modelOutputs.get(0);
        }
        return modelOutputs.stream().filter(o -> o.name().equals(spec.output())).findFirst()
                .orElseThrow(() -> new ConfigException("metric '" + spec.name() + "' reads output '"
                        + spec.output() + "', which the model does not have; its outputs are "
                        + modelOutputs.stream().map(TensorInfo::name).toList()));
    }
}
