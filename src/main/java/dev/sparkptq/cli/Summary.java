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
        out.printf(Locale.ROOT, "quantized %d ops (%s) with %d Q/DQ pairs%s, preset %s, %d calibration samples%n",
                q.quantizedOps(), q.quantizedOpTypes(), q.qdqPairs(), kernels(rep.kernelChoice()), q.preset(),
                rep.calibration().samplesUsed());
        out.printf(Locale.ROOT, "model size %s -> %s (%.1f%%)%n", size(rep.model().bytes()),
                size(rep.output().bytes()), 100 * rep.output().sizeRatio());
        if (rep.metrics() != null) {
            for (Map.Entry<String, Double> e : rep.metrics().fp32().entrySet()) {
                out.printf(Locale.ROOT, "%s: fp32 %.4f, quantized %.4f, drop %.4f (%d samples)%n", e.getKey(),
                        e.getValue(), rep.metrics().quantized().get(e.getKey()), rep.metrics().drop().get(e.getKey()),
                        rep.metrics().samples());
            }
        }
        speed(rep.speed(), out);
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

    /** ", N MatMul/Gemm dynamic, M embedding tables int8" when kernel choice did that; else empty. */
    static String kernels(RunReport.KernelChoiceSummary k) {
        if (k == null) {
            return "";
        }
        long dynamic = k.ops().stream().filter(o -> o.kernel().equals("dynamic")).count();
        StringBuilder s = new StringBuilder();
        if (dynamic > 0) {
            s.append(String.format(Locale.ROOT, ", %d MatMul/Gemm with dynamic int8 kernels", dynamic));
        }
        if (!k.tables().isEmpty()) {
            s.append(String.format(Locale.ROOT, ", %d embedding tables int8", k.tables().size()));
        }
        return s.toString();
    }

    /** The speed guard's line: measured FP32 and written-model latency, and what it changed. */
    static void speed(RunReport.SpeedSummary s, PrintStream out) {
        if (s == null || s.fp32Ms() == null) {
            return;
        }
        String what = switch (s.outcome()) {
            case "fp32_fallback" -> "the FP32 model was written (quantized " + fmt(s.int8MsBefore()) + " ms)";
            case "ops_returned_to_float" -> s.returnedToFloat().size() + " ops returned to float";
            default -> "kept";
        } + (s.speedupLow() == null ? "" : String.format(Locale.ROOT, " (lower bound %.2fx)", s.speedupLow()));
        int removed = s.removedQuantizers().values().stream().mapToInt(Integer::intValue).sum();
        out.printf(Locale.ROOT, "speed (ONNX Runtime, %d thread%s, %s time): FP32 %s ms, written %s ms per sample, "
                        + "%.2fx; %s; %d quantizers removed by placement; speed guard %.1f s%n", s.threads(),
                s.threads() == 1 ? "" : "s", s.clock().replace('_', ' '), fmt(s.fp32Ms()), fmt(s.int8Ms()),
                s.speedup(), what, removed, s.guardMs() / 1000.0);
    }

    private static String fmt(Double ms) {
        return ms == null ? "-" : String.format(Locale.ROOT, "%.3f", ms);
    }

    static String size(long bytes) {
        return bytes >= 1_000_000 ? String.format(Locale.ROOT, "%.1f MB", bytes / 1e6)
                : String.format(Locale.ROOT, "%.1f kB", bytes / 1e3);
    }
}
