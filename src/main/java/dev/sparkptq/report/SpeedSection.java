package dev.sparkptq.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * report.html's speed section: the FP32 and quantized latency the speed guard measured, what placement by ONNX
 * Runtime's optimized graph removed and what the guard returned to float (issue 13: never slower than FP32).
 */
final class SpeedSection {
    static final String FP32_FILL = "#9c755f";
    static final String INT8_FILL = "#59a14f";
    /** Ops returned to float listed before the list is cut. */
    static final int OPS_LISTED = 20;

    private SpeedSection() {
    }

    static void render(Markup m, RunReport.SpeedSummary s) {
        if (s == null) {
            m.element("p", "Not recorded.", "class", "muted");
            return;
        }
        if (s.warning() != null) {
            m.open("div", "class", "warn").element("p", s.warning()).close("div").line();
        }
        List<String> kv = new ArrayList<>(List.of("speed guard", s.guard() ? "on" : "off (engine.speed_guard false)",
                "outcome", s.outcome().replace('_', ' ')));
        if (s.fp32Ms() != null) {
            String threads = s.threads() + " thread" + (s.threads() == 1 ? "" : "s");
            kv.addAll(List.of("timed", s.samples() + " calibration samples, " + s.rounds() + " interleaved rounds, "
                            + threads + ", " + s.clock().replace('_', ' ') + " time",
                    "FP32", ms(s.fp32Ms()), "FP32 as prepared (exact rewrites)", ms(s.fp32PreparedMs()),
                    "quantized, as placed", ms(s.int8MsBefore()), "written", ms(s.int8Ms()),
                    "speed-up", String.format(Locale.ROOT, "%.2f×", s.speedup()) + (s.speedupLow() == null ? ""
                            : String.format(Locale.ROOT, " (lower bound %.2f× over the confirmation rounds)",
                            s.speedupLow()))));
        }
        kv.addAll(List.of("integer-kernel MACs", share(s.integerShareBefore()) + " → " + share(s.integerShareAfter()),
                "quantizers removed by placement", removed(s.removedQuantizers()),
                "placement + guard time", Fmt.millis(s.guardMs())));
        m.open("table", "class", "kv");
        for (int i = 0; i < kv.size(); i += 2) {
            m.open("tr").element("th", kv.get(i)).element("td", kv.get(i + 1)).close("tr");
        }
        m.close("table").line();
        if (s.fp32Ms() != null && s.int8Ms() != null) {
            m.append(SvgBarChart.render(List.of(
                    new SvgBarChart.Bar("FP32", s.fp32Ms(), ms(s.fp32Ms()), FP32_FILL),
                    new SvgBarChart.Bar("written", s.int8Ms(), ms(s.int8Ms()), INT8_FILL)),
                    520, "latency per sample, FP32 and the written model"));
        }
        if (!s.returnedToFloat().isEmpty()) {
            m.element("h3", "Returned to float (integer kernel slower than float, per ONNX Runtime's profile)");
            m.open("table", "class", "kv").open("tr").element("th", "op").element("th", "integer µs")
                    .element("th", "float µs").close("tr");
            s.returnedToFloat().stream().limit(OPS_LISTED).forEach(o -> m.open("tr").element("td", o.node())
                    .element("td", Fmt.sig(o.integerMicros()), "class", "num")
                    .element("td", Fmt.sig(o.floatMicros()), "class", "num").close("tr"));
            m.close("table").line();
        }
    }

    private static String ms(Double v) {
        return v == null ? "–" : String.format(Locale.ROOT, "%.3f ms", v);
    }

    private static String share(Double v) {
        return v == null ? "–" : Fmt.percent(v);
    }

    private static String removed(Map<String, Integer> counts) {
        if (counts == null || counts.isEmpty()) {
            return "none";
        }
        StringBuilder b = new StringBuilder();
        counts.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(v).append(' ')
                .append(k.replace('_', ' ')));
        return b.toString();
    }
}
