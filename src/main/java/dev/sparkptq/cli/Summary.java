package dev.sparkptq.cli;

import dev.sparkptq.pipeline.RunResult;
import dev.sparkptq.report.RunReport;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/** The few lines a user reads after a run. */
final class Summary {
    private Summary() {
    }

    static void print(RunResult r, PrintStream out) {
        RunReport rep = r.report();
        var q = rep.quantization();
        out.printf(Locale.ROOT, "quantized %d ops (%s) with %d Q/DQ pairs, preset %s, %d calibration samples%n",
                q.quantizedOps(), q.quantizedOpTypes(), q.qdqPairs(), q.preset(), rep.calibration().samplesUsed());
        out.printf(Locale.ROOT, "model size %s -> %s (%.1f%%)%n", size(rep.model().bytes()),
                size(rep.output().bytes()), 100 * rep.output().sizeRatio());
        if (rep.metrics() != null) {
            for (Map.Entry<String, Double> e : rep.metrics().fp32().entrySet()) {
                out.printf(Locale.ROOT, "%s: fp32 %.4f, quantized %.4f, drop %.4f (%d samples)%n", e.getKey(),
                        e.getValue(), rep.metrics().quantized().get(e.getKey()), rep.metrics().drop().get(e.getKey()),
                        rep.metrics().samples());
            }
        }
        var aaq = rep.accuracyAware();
        if (aaq != null) {
            out.printf(Locale.ROOT, "accuracy-aware: %d of %d groups reverted (to %s), %s drop %s, allowed %s: %s%n",
                    aaq.revertedGroups().size(), aaq.groups(), aaq.revertTo(), aaq.metric(), aaq.drop(),
                    aaq.maximalDrop(), aaq.targetMet() ? "met" : "NOT met");
            if (aaq.latency() != null) {
                out.printf(Locale.ROOT, "latency (one thread): FP32 %.2f ms, quantized %.2f ms per sample (%.2fx)%n",
                        aaq.latency().fp32Ms(), aaq.latency().quantizedMs(), aaq.latency().speedup());
            }
        }
        for (String w : rep.calibration().warnings()) {
            out.println("warning: " + w);
        }
        out.println("wrote " + r.modelAt() + " and " + r.reportAt());
    }

    static String size(long bytes) {
        return bytes >= 1_000_000 ? String.format(Locale.ROOT, "%.1f MB", bytes / 1e6)
                : String.format(Locale.ROOT, "%.1f kB", bytes / 1e3);
    }
}
