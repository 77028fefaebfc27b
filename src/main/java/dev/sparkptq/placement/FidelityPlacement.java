package dev.sparkptq.placement;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.accuracy.FidelityAccumulator;
import dev.sparkptq.plan.FusedBlocks;
import dev.sparkptq.plan.QuantizationPlan;
import dev.sparkptq.plan.QuantizationPoint;
import dev.sparkptq.report.RunReport;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Fused MAC ops ({@link FusedBlocks#fused}: a Conv/MatMul/Gemm whose output is quantized so that it runs as an integer
 * kernel, with the quantizers only it needs) kept in int8 or returned to float by measured fidelity, before the speed
 * guard. When the quantized model's worst output is below the floors on a few calibration samples, every block is
 * ranked by the error it adds to the worst output alone (every other block in float), and the fewest top-ranked
 * blocks that bring every output to the floors go back to float (found by bisection over the ranking, each step
 * measured). When even all blocks in float do not reach the floors, the error is born elsewhere: the target is then
 * what all blocks in float give (within {@link #SLACK}), so the pass never ends below the placement without integer
 * MAC outputs.
 *
 * <p>Badness is one number per model: the worst over outputs of its noise-to-signal ratio over the SQNR floor's and
 * its cosine distance over the cosine floor's, so ≤ 1 means every output meets both floors.
 */
public final class FidelityPlacement {
    /** A target set by "all blocks in float" may be missed by this factor of its badness (measurement noise). */
    static final double SLACK = 1.05;

    /** One model's fidelity to FP32: the worst output's cosine and lowest SQNR, each over every output. */
    public record Score(double worstCosine, double minSqnrDb) {
        static Score of(List<FidelityAccumulator.OutputScore> scores) {
            double cos = 1;
            double db = Double.POSITIVE_INFINITY;
            for (FidelityAccumulator.OutputScore s : scores) {
                cos = Math.min(cos, s.cosine());
                db = Math.min(db, s.sqnrDb());
            }
            return new Score(cos, db);
        }

        /** ≤ 1 when both floors are met; larger is worse. */
        double badness(double cosineFloor, double sqnrFloorDb) {
            double noise = Double.isInfinite(minSqnrDb) ? 0 : Math.pow(10, (sqnrFloorDb - minSqnrDb) / 10);
            double distance = (1 - worstCosine) / Math.max(1e-9, 1 - cosineFloor);
            return Math.max(noise, distance);
        }
    }

    /** Measures a candidate model against FP32. */
    public interface Measure {
        Score measure(OnnxMl.ModelProto model);
    }

    /**
     * @param plan   the plan the quantized model was built from
     * @param build  rebuilds the quantized model for a sub-plan of {@code plan}
     * @param blocks the candidate blocks (on {@code plan})
     * @param strict also no worse than every block in float (else the floors alone are the target)
     */
    public record Request(QuantizationPlan plan, OnnxMl.ModelProto quantized,
                          Function<QuantizationPlan, OnnxMl.ModelProto> build, List<FusedBlocks.Block> blocks,
                          double cosineFloor, double sqnrFloorDb, boolean strict) {
    }

    /** The plan and model to continue with, and the report section. */
    public record Outcome(QuantizationPlan plan, OnnxMl.ModelProto model, RunReport.BlockPlacement summary) {
    }

    private final Measure measure;
    private final Consumer<String> log;

    public FidelityPlacement(Measure measure, Consumer<String> log) {
        this.measure = measure;
        this.log = log;
    }

    public Outcome run(Request r) {
        Score base = measure.measure(r.quantized());
        int n = r.blocks().size();
        if (n == 0 || base.badness(r.cosineFloor(), r.sqnrFloorDb()) <= 1) {
            return new Outcome(r.plan(), r.quantized(), summary(r, base, base, List.of(), "kept", 1));
        }
        Score allFloat = measure.measure(r.build().apply(without(r.plan(), r.blocks())));
        double floatBadness = allFloat.badness(r.cosineFloor(), r.sqnrFloorDb()) * SLACK;
        double target = r.strict() ? Math.min(1, floatBadness) : Math.max(1, floatBadness);
        List<FusedBlocks.Block> ranked = rank(r);
        int lo = 0;
        int hi = n; // reverting the top `hi` meets the target (all of them does by construction)
        Score best = allFloat;
        int measured = 2 + n;
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            Score s = measure.measure(r.build().apply(without(r.plan(), ranked.subList(0, mid))));
            measured++;
            if (s.badness(r.cosineFloor(), r.sqnrFloorDb()) <= target) {
                hi = mid;
                best = s;
            } else {
                lo = mid;
            }
        }
        List<FusedBlocks.Block> reverted = ranked.subList(0, hi);
        QuantizationPlan plan = without(r.plan(), reverted);
        log.accept(String.format(Locale.ROOT, "fidelity placement: %d of %d fused MAC ops returned to "
                        + "float (worst output %.4f / %.1f dB -> %.4f / %.1f dB on the probe samples; all in float: "
                        + "%.4f / %.1f dB; %d models measured)", hi, n, base.worstCosine(), base.minSqnrDb(),
                best.worstCosine(), best.minSqnrDb(), allFloat.worstCosine(), allFloat.minSqnrDb(), measured));
        return new Outcome(plan, r.build().apply(plan), summary(r, base, best, reverted,
                floatBadness > 1 ? "floors_unreachable" : "reverted", measured));
    }

    /**
     * Blocks by the error each adds alone: the badness of the model with every other block in float, largest first
     * (plan order on ties). Alone, not "all but this one": two blocks that each wipe out the same signal hide each
     * other when one is returned to float at a time.
     */
    private List<FusedBlocks.Block> rank(Request r) {
        List<double[]> gains = new ArrayList<>();
        for (int i = 0; i < r.blocks().size(); i++) {
            List<FusedBlocks.Block> others = new ArrayList<>(r.blocks());
            others.remove(i);
            Score s = measure.measure(r.build().apply(without(r.plan(), others)));
            gains.add(new double[]{i, s.badness(r.cosineFloor(), r.sqnrFloorDb())});
        }
        gains.sort(Comparator.<double[]>comparingDouble(g -> -g[1]).thenComparingDouble(g -> g[0]));
        return gains.stream().map(g -> r.blocks().get((int) g[0])).toList();
    }

    /** {@code plan} without the points of {@code blocks}. */
    static QuantizationPlan without(QuantizationPlan plan, List<FusedBlocks.Block> blocks) {
        Set<String> ids = new HashSet<>();
        blocks.forEach(b -> ids.addAll(b.pointIds()));
        List<QuantizationPoint> kept = plan.points().stream().filter(p -> !ids.contains(p.id())).toList();
        Set<String> nodes = new TreeSet<>();
        kept.forEach(p -> nodes.addAll(p.consumerNodes()));
        return new QuantizationPlan(kept, nodes, plan.notes());
    }

    private static RunReport.BlockPlacement summary(Request r, Score before, Score after,
                                                    List<FusedBlocks.Block> reverted, String outcome, int measured) {
        return new RunReport.BlockPlacement(outcome, r.blocks().size(),
                reverted.stream().map(FusedBlocks.Block::mac).toList(), round(before.worstCosine()),
                round(before.minSqnrDb()), round(after.worstCosine()), round(after.minSqnrDb()), measured);
    }

    private static Double round(double v) {
        return Double.isFinite(v) ? Math.round(v * 10_000) / 10_000.0 : null;
    }
}
