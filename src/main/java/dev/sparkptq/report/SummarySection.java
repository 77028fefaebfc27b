package dev.sparkptq.report;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The model summary: what was quantized and how (model, output and size, quantization, calibration, provenance), the
 * run's warnings and planning notes, and the resolved configuration folded away.
 */
final class SummarySection {
    static final String SIZE_BEFORE_FILL = "#9c755f";
    static final String SIZE_AFTER_FILL = "#76b7b2";

    private SummarySection() {
    }

    static void render(Markup m, RunReport r) {
        m.open("div", "class", "cards").line();
        model(m, r.model(), r.output(), r.preparation());
        quantization(m, r.quantization(), r.integerKernels());
        calibration(m, r.calibration());
        provenance(m, r);
        m.close("div").line();
        messages(m, r);
    }

    private static void model(Markup m, RunReport.ModelSummary in, RunReport.OutputSummary out,
                              RunReport.PreparationSummary preparation) {
        card(m, "Model");
        if (in == null) {
            m.element("p", "Not recorded.", "class", "muted");
        } else {
            kv(m, Arrays.asList("FP32 model", in.path(), "opset", String.valueOf(in.opset()), "nodes",
                    Fmt.count(in.nodes()), "size before", Fmt.bytes(in.bytes()), "sha256", in.sha256()));
        }
        if (preparation != null) {
            kv(m, Arrays.asList("preparation", preparation(preparation)));
        }
        if (out != null) {
            kv(m, Arrays.asList("quantized model", out.path(), "size after", Fmt.bytes(out.bytes()), "size ratio",
                    Fmt.sizeRatio(out.sizeRatio()), "external data", out.externalData() == null ? "none"
                    : out.externalData()));
        }
        if (in != null && out != null) {
            m.append(SvgBarChart.render(List.of(
                    new SvgBarChart.Bar("FP32", in.bytes(), Fmt.bytes(in.bytes()), SIZE_BEFORE_FILL),
                    new SvgBarChart.Bar("quantized", out.bytes(), Fmt.bytes(out.bytes()), SIZE_AFTER_FILL)),
                    520, "model size before and after quantization"));
        }
        m.close("div").line();
    }

    private static void quantization(Markup m, RunReport.QuantizationSummary q, RunReport.IntegerKernelSummary k) {
        card(m, "Quantization");
        if (q == null) {
            m.element("p", "Not recorded.", "class", "muted").close("div").line();
            return;
        }
        kv(m, Arrays.asList("preset", q.preset(), "target device", q.targetDevice(), "model type", q.modelType(),
                "quantized ops", Fmt.count(q.quantizedOps()), "Q/DQ pairs", Fmt.count(q.qdqPairs()),
                "activation quantizers", Fmt.count(q.activationQuantizers()), "weight quantizers",
                Fmt.count(q.weightQuantizers())));
        if (k != null) {
            kv(m, Arrays.asList("integer-kernel MACs", integerShare(k)));
        }
        Map<String, Integer> types = q.quantizedOpTypes() == null ? Map.of() : q.quantizedOpTypes();
        if (!types.isEmpty()) {
            m.open("table", "class", "kv types").open("tr").element("th", "op type").element("th", "quantized")
                    .close("tr");
            types.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> m.open("tr")
                    .element("td", e.getKey()).element("td", Fmt.count(e.getValue()), "class", "num").close("tr"));
            m.close("table");
        }
        m.close("div").line();
    }

    /** What model preparation changed, step by step ("nothing to change" when nothing). */
    static String preparation(RunReport.PreparationSummary p) {
        List<String> done = p.steps() == null ? List.of() : p.steps().stream().filter(s -> s.changes() > 0)
                .map(RunReport.PreparationStep::summary).toList();
        return done.isEmpty() ? "nothing to change" : String.join("; ", done);
    }

    /** e.g. "97.3 % of 1.2 G MACs (25 of 26 ops)": what ONNX Runtime runs in integer kernels. */
    static String integerShare(RunReport.IntegerKernelSummary k) {
        return String.format(java.util.Locale.ROOT, "%.1f %% of %s MACs (%d of %d ops)", 100 * k.integerShare(),
                Fmt.count(k.totalMacs()), k.integerMacOps(), k.macOps());
    }

    private static void calibration(Markup m, RunReport.CalibrationSummary c) {
        card(m, "Calibration");
        if (c == null) {
            m.element("p", "Not recorded.", "class", "muted").close("div").line();
            return;
        }
        kv(m, Arrays.asList("data", c.dataSource(), "samples used", Fmt.count(c.samplesUsed()) + " (requested "
                        + Fmt.count(c.samplesRequested()) + ", available " + Fmt.count(c.samplesAvailable()) + ")",
                "partitions", String.valueOf(c.partitions()), "batch size", String.valueOf(c.batchSize()),
                "shuffle", c.shuffle() ? "yes (seed " + c.seed() + ")" : "no",
                "statistics passes", c.statisticsPasses() == 0 ? "0 (statistics reused)"
                        : String.valueOf(c.statisticsPasses()),
                "histogram ranges", Fmt.count(c.histogramTensors()) + " activations",
                "non-finite values", Fmt.count(c.nonFiniteValues()),
                "statistics from", c.statisticsFrom() == null ? "this run" : c.statisticsFrom()));
        m.close("div").line();
    }

    private static void provenance(Markup m, RunReport r) {
        card(m, "Provenance");
        RunReport.Provenance p = r.provenance();
        kv(m, Arrays.asList("tool", r.tool() + " " + r.toolVersion(), "report format",
                String.valueOf(r.formatVersion()), "backend", p == null ? "" : p.backend(),
                "seed", p == null ? "" : String.valueOf(p.seed()), "config sha256", p == null ? "" : p.configSha256(),
                "FP32 sha256", p == null ? "" : p.fp32ModelSha256()));
        m.close("div").line();
    }

    private static void messages(Markup m, RunReport r) {
        List<String> warnings = r.calibration() == null || r.calibration().warnings() == null ? List.of()
                : r.calibration().warnings();
        List<String> notes = r.quantization() == null || r.quantization().notes() == null ? List.of()
                : r.quantization().notes();
        list(m, "Warnings", warnings, "warn", "No warnings.");
        list(m, "Planning notes", notes, "notes", "No planning notes.");
        if (r.config() instanceof com.fasterxml.jackson.databind.JsonNode json) {
            m.open("details").element("summary", "Resolved configuration").element("pre", json.toPrettyString())
                    .close("details").line();
        }
    }

    private static void list(Markup m, String title, List<String> items, String cssClass, String none) {
        if (items.isEmpty()) {
            m.element("p", none, "class", "muted");
            return;
        }
        m.open("div", "class", cssClass).element("h3", title + " (" + items.size() + ")").open("ul");
        items.forEach(i -> m.element("li", i));
        m.close("ul").close("div").line();
    }

    private static void card(Markup m, String title) {
        m.open("div", "class", "card").element("h3", title);
    }

    /** A key-value table from alternating keys and values. */
    private static void kv(Markup m, List<String> pairs) {
        m.open("table", "class", "kv");
        for (int i = 0; i < pairs.size(); i += 2) {
            m.open("tr").element("th", pairs.get(i)).element("td", pairs.get(i + 1)).close("tr");
        }
        m.close("table");
    }
}
