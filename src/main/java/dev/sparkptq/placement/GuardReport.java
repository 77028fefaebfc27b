package dev.sparkptq.placement;

import dev.sparkptq.report.RunReport;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Builds the report's {@link RunReport.SpeedSummary} from what placement and the guard did. */
final class GuardReport {
    private GuardReport() {
    }

    /** Placement only: the guard was off or had no samples. */
    static RunReport.SpeedSummary untimed(boolean guard, int threads, List<Placement.Removal> removed, long ms) {
        return new RunReport.SpeedSummary(guard, threads, null, 0, 0, null, null, null, null, null, null, "not_timed",
                counts(removed), listed(removed), List.of(), null, null, ms, null);
    }

    static RunReport.SpeedSummary of(GuardTiming timing, GuardTiming.Comparison first, double finalMs,
                                     double speedup, Double speedupLow, String outcome, List<Placement.Removal> removed,
                                     List<SlowIntegerOps.SlowOp> returned, long ms, String warning) {
        List<RunReport.ReturnedOp> ops = new ArrayList<>();
        returned.forEach(s -> ops.add(new RunReport.ReturnedOp(s.node(), round(s.integerMicros()),
                round(s.floatMicros()))));
        return new RunReport.SpeedSummary(true, timing.threads(), timing.clock().label(), timing.samples(),
                timing.rounds(), round(first.fp32Ms()), round(first.ms(1)), round(first.ms(0)), round(finalMs),
                round(speedup), speedupLow == null ? null : round(speedupLow), outcome,
                counts(removed), listed(removed), ops, null, null, ms, warning);
    }

    private static Map<String, Integer> counts(List<Placement.Removal> removed) {
        Map<String, Integer> out = new TreeMap<>();
        Placement.counts(removed).forEach((k, v) -> out.put(k.name().toLowerCase(java.util.Locale.ROOT), v));
        return out;
    }

    private static List<RunReport.RemovedQuantizer> listed(List<Placement.Removal> removed) {
        List<RunReport.RemovedQuantizer> out = new ArrayList<>();
        for (Placement.Removal r : removed.subList(0, Math.min(RunReport.SpeedSummary.LISTED, removed.size()))) {
            out.add(new RunReport.RemovedQuantizer(r.pointId(), r.reason().name().toLowerCase(java.util.Locale.ROOT),
                    r.edges().stream().map(e -> e.node() + ":" + e.inputIndex()).toList()));
        }
        return out;
    }

    /** Four significant decimals: the report shows measurements, not noise digits. */
    private static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }
}
