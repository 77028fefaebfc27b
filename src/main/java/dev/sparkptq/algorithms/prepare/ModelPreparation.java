package dev.sparkptq.algorithms.prepare;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.graph.ModelIo;

import java.util.ArrayList;
import java.util.List;

/**
 * Model preparation, the first step of every run: the named steps below, in order, each a pure function of the model
 * (see the package documentation). Order matters: the legacy read gives the model an opset; FP16 is upcast before
 * the opset conversion types its constants; Constant nodes become initializers (before naming, so the names counted
 * are those of real nodes) and names are made unique before any rewrite derives new names from them; constant
 * folding runs before BatchNorm folding so computed parameters are constants by then, and per-channel Add/Mul
 * folding after it (so the convs' outputs are what decomposed HardSigmoid/HardSwish read: the hard-activation
 * rewrite comes next); the float-region report and the final naming come last.
 */
public final class ModelPreparation {
    /**
     * A prepared model.
     *
     * @param opsetBefore default-domain opset of the model as given (0 when it had none)
     * @param opsetAfter  default-domain opset of the prepared model
     * @param steps       every step, in order, including those that found nothing to do
     */
    public record Prepared(OnnxMl.ModelProto model, int opsetBefore, int opsetAfter, List<StepRecord> steps) {
        public Prepared {
            steps = List.copyOf(steps);
        }

        /** The steps that changed something. */
        public List<StepRecord> changed() {
            return steps.stream().filter(s -> s.changes() > 0).toList();
        }

        /**
         * Whether preparation had to repair the model for ONNX Runtime to load it (a pre-opset_import IR read as
         * legacy, FP16/BF16 weights upcast): the file as given may not load, or may even crash the runtime.
         */
        public static boolean repaired(dev.sparkptq.report.RunReport.PreparationSummary summary) {
            return summary.changed(LegacyModel.NAME) || summary.changed(FloatUpcast.NAME);
        }

        /** report.json's {@code preparation} section: the opsets and every step, in order. */
        public dev.sparkptq.report.RunReport.PreparationSummary report() {
            return new dev.sparkptq.report.RunReport.PreparationSummary(opsetBefore, opsetAfter, steps.stream()
                    .map(s -> new dev.sparkptq.report.RunReport.PreparationStep(s.step(), s.changes(), s.summary(),
                            s.names())).toList());
        }

        /** One line for the log: what preparation did, or that nothing needed doing. */
        public String summary() {
            List<StepRecord> changed = changed();
            if (changed.isEmpty()) {
                return "preparation: nothing to change";
            }
            List<String> parts = new ArrayList<>();
            changed.forEach(s -> parts.add(s.summary()));
            return "preparation: " + String.join("; ", parts);
        }
    }

    private static final List<PreparationStep> STEPS = List.of(new LegacyModel(), new InitializerInputs(),
            new FloatUpcast(), new ConstantNodes(), new NodeNaming(), new OpsetStep(), new RedundantNodes(),
            new FoldConstants(), new BatchNormFolding(), new ChannelAffineFolding(), new HardActivations(),
            new FloatRegions(),
            new NodeNaming());

    private ModelPreparation() {
    }

    /** {@link #prepare(OnnxMl.ModelProto)}, then {@link Prepared#summary()} to {@code log}. */
    public static Prepared prepare(OnnxMl.ModelProto model, java.util.function.Consumer<String> log) {
        Prepared p = prepare(model);
        log.accept(p.summary());
        return p;
    }

    /**
     * Prepares {@code model} for planning.
     *
     * @throws dev.sparkptq.core.ModelException when the model cannot be prepared (an opset or op the converter
     *                                          cannot handle, a missing opset import …), naming the cause and the fix
     */
    public static Prepared prepare(OnnxMl.ModelProto model) {
        int before = ModelIo.opset(model);
        OnnxMl.ModelProto current = model;
        List<StepRecord> records = new ArrayList<>();
        for (PreparationStep step : STEPS) {
            PreparationStep.Result r = step.apply(current);
            current = r.model();
            records.add(r.record());
        }
        return new Prepared(current, before, ModelIo.opset(current), merged(records));
    }

    /** The two naming passes are one entry in the record: the first and last name changes add up. */
    private static List<StepRecord> merged(List<StepRecord> records) {
        List<StepRecord> out = new ArrayList<>();
        StepRecord naming = null;
        for (StepRecord r : records) {
            if (!r.step().equals(NodeNaming.NAME)) {
                out.add(r);
                continue;
            }
            if (naming == null) {
                naming = r;
                out.add(r);
            } else if (r.changes() > 0) {
                List<String> names = new ArrayList<>(naming.names());
                names.addAll(r.names());
                int total = naming.changes() + r.changes();
                out.set(out.indexOf(naming), new StepRecord(NodeNaming.NAME, total, StepRecord.count(total, "node")
                        + " named or renamed to be unique", names));
            }
        }
        return out;
    }
}
