package dev.sparkptq.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The "Per-layer SQNR" section of report.html: the worst {@link #MAX_BARS} tensors of report.json's
 * {@code quantization_error} as a bar chart, coloured by kind. It replaces the {@link HtmlReport.Planned#LAYER_SQNR}
 * placeholder.
 */
public final class QuantErrorSection {
    /** Bars drawn; the full list is in report.json. */
    public static final int MAX_BARS = 40;

    private static final String ACTIVATION = "#4e79a7";
    private static final String OP_OUTPUT = "#f28e2b";
    private static final String WEIGHT = "#59a14f";

    private QuantErrorSection() {
    }

    /** The section for {@code rows}, which are worst first (as report.json holds them). */
    public static ReportSection of(List<RunReport.QuantErrorSummary> rows) {
        List<SvgBarChart.Bar> bars = new ArrayList<>();
        for (RunReport.QuantErrorSummary r : rows) {
            if (bars.size() == MAX_BARS) {
                break;
            }
            if (r.sqnrDb() != null) {
                bars.add(new SvgBarChart.Bar(r.tensor() + " (" + r.kind() + ")", r.sqnrDb(),
                        String.format(Locale.ROOT, "%.1f dB", r.sqnrDb()), fill(r.kind())));
            }
        }
        String note = "Signal-to-quantization-noise ratio 10·log10(Σx² / Σ(x−x̂)²) of the " + bars.size()
                + " worst of " + rows.size() + " tensors, lower is worse (about 6 dB per bit; below ~20 dB a "
                + "layer is a likely cause of an accuracy drop). Blue: quantized activation (FP32 vs the "
                + "dequantized value), orange: output of a quantized op (error accumulated so far), green: weight. "
                + "The full list is report.json's quantization_error.";
        return new BarChartSection(HtmlReport.Planned.LAYER_SQNR.id(), "Per-layer SQNR", note, bars);
    }

    private static String fill(String kind) {
        return switch (kind) {
            case "activation" -> ACTIVATION;
            case "weight" -> WEIGHT;
            default -> OP_OUTPUT;
        };
    }
}
