package dev.sparkptq.algorithms.kernelchoice;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The rule that picks a group's kernel from its {@link KernelMeasurement} (pure: numbers in, choice out).
 *
 * <ol>
 *   <li>STATIC is always admissible: its quantizers are the plan's, with every accuracy step of the pipeline
 *       (SmoothQuant, range estimators, bias correction) behind them. FLOAT is always admissible (exact).</li>
 *   <li>DYNAMIC is admissible when its worst op SQNR is at most {@code slackDb} below STATIC's — per-call ranges
 *       usually match or beat calibrated ones, but an op whose calibrated range clips rare outliers on purpose is
 *       more accurate static.</li>
 *   <li>Of the admissible quantized kernels the fastest wins; when the other one is within {@code margin} of its
 *       latency (timing noise), the more accurate of the two wins.</li>
 *   <li>FLOAT wins only when it is faster than that kernel by more than {@code margin}: an integer kernel that does not
 *       save time is a cost with no benefit (error and nothing gained).</li>
 * </ol>
 *
 * @param slackDb how many dB of worst-op SQNR DYNAMIC may lose against STATIC
 * @param margin  relative latency difference treated as noise
 */
public record KernelDecision(double slackDb, double margin) {
    /** The defaults: 1 dB (≈ 26 % more squared error), 3 % latency. */
    public static final KernelDecision DEFAULT = new KernelDecision(1.0, 0.03);

    public KernelDecision {
        if (!(slackDb >= 0) || !(margin >= 0) || margin >= 1) {
            throw new IllegalArgumentException("slackDb must be >= 0 and margin in [0, 1), got " + slackDb + ", "
                    + margin);
        }
    }

    /** A decision and the sentence that explains it (for report.json). */
    public record Choice(Kernel kernel, String reason) {
    }

    /**
     * @param m the group's measurement; must hold STATIC and FLOAT latencies, DYNAMIC is optional (not every op can
     *          be quantized dynamically)
     */
    public Choice decide(KernelMeasurement m) {
        Map<Kernel, Double> ms = m.msPerSample();
        if (!ms.containsKey(Kernel.STATIC) || !ms.containsKey(Kernel.FLOAT)) {
            throw new IllegalArgumentException("a kernel decision needs STATIC and FLOAT latencies, got " + ms.keySet());
        }
        double staticDb = m.worstSqnrDb(Kernel.STATIC);
        Kernel quantized = Kernel.STATIC;
        List<String> why = new ArrayList<>();
        if (ms.containsKey(Kernel.DYNAMIC)) {
            double dynamicDb = m.worstSqnrDb(Kernel.DYNAMIC);
            boolean accurate = dynamicDb >= staticDb - slackDb;
            if (!accurate) {
                why.add(String.format(Locale.ROOT, "dynamic is less accurate (worst SQNR %s vs static %s dB)",
                        db(dynamicDb), db(staticDb)));
            } else {
                quantized = faster(ms, Kernel.DYNAMIC, Kernel.STATIC, dynamicDb, staticDb, why);
            }
        }
        double best = ms.get(quantized);
        if (ms.get(Kernel.FLOAT) < best * (1 - margin)) {
            why.add(String.format(Locale.ROOT, "float is faster than %s (%s vs %s ms)", name(quantized),
                    ms(ms.get(Kernel.FLOAT)), ms(best)));
            return new Choice(Kernel.FLOAT, String.join("; ", why));
        }
        why.add(String.format(Locale.ROOT, "%s %s ms vs float %s ms", name(quantized), ms(best),
                ms(ms.get(Kernel.FLOAT))));
        return new Choice(quantized, String.join("; ", why));
    }

    /** The faster of two admissible kernels; the more accurate one when their latencies are within the margin. */
    private Kernel faster(Map<Kernel, Double> ms, Kernel a, Kernel b, double aDb, double bDb, List<String> why) {
        double ta = ms.get(a);
        double tb = ms.get(b);
        if (Math.abs(ta - tb) <= margin * Math.min(ta, tb)) {
            Kernel k = aDb >= bDb ? a : b;
            why.add(String.format(Locale.ROOT, "%s and %s are as fast (%s vs %s ms); %s is more accurate "
                    + "(worst SQNR %s vs %s dB)", name(a), name(b), ms(ta), ms(tb), name(k), db(Math.max(aDb, bDb)),
                    db(Math.min(aDb, bDb))));
            return k;
        }
        Kernel k = ta < tb ? a : b;
        Kernel other = k == a ? b : a;
        why.add(String.format(Locale.ROOT, "%s is faster than %s (%s vs %s ms) at worst SQNR %s dB (%s: %s dB)",
                name(k), name(other), ms(ms.get(k)), ms(ms.get(other)), db(k == a ? aDb : bDb), name(other),
                db(k == a ? bDb : aDb)));
        return k;
    }

    private static String name(Kernel k) {
        return k.name().toLowerCase(Locale.ROOT);
    }

    private static String ms(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static String db(double v) {
        return Double.isInfinite(v) ? "inf" : String.format(Locale.ROOT, "%.1f", v);
    }
}
