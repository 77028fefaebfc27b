package dev.sparkptq.aaq;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.config.AccuracyAwareSpec;
import dev.sparkptq.config.AccuracyAwareSpec.RevertTo;
import dev.sparkptq.pipeline.CandidateRecipe;
import dev.sparkptq.plan.QuantizationPlan;
import dev.sparkptq.plan.RevertGroup;
import dev.sparkptq.plan.RevertGroups;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** Builds a candidate from the recipe and its reverted groups — the same bytes on the driver and on executors. */
final class Candidates {
    private Candidates() {
    }

    static OnnxMl.ModelProto build(CandidateRecipe recipe, List<RevertGroup> groups, AccuracyAwareSpec spec,
                                   int[] reverted) {
        Variant v = variant(recipe, groups, spec, reverted);
        return recipe.build(v.plan(), v.int16());
    }

    /** The plan a candidate is built from and the points it holds in 16 bits (revert_to int16). */
    record Variant(QuantizationPlan plan, Set<String> int16) {
    }

    static Variant variant(CandidateRecipe recipe, List<RevertGroup> groups, AccuracyAwareSpec spec, int[] reverted) {
        QuantizationPlan base = recipe.plan();
        Set<String> points = RevertGroups.revertedPoints(base, groups,
                Arrays.stream(reverted).boxed().toList(), spec.restoreMode());
        if (spec.revertTo() == RevertTo.INT16) {
            return new Variant(base, points);
        }
        return new Variant(RevertGroups.without(base, points), Set.of());
    }
}
