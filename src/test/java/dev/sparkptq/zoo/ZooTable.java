package dev.sparkptq.zoo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The zoo table: one row per model as text (a Markdown table) and as JSON. */
public final class ZooTable {
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private ZooTable() {
    }

    public static String header() {
        return "| model | via | exit | int. share | size | FP32 ms | INT8 ms | speed-up | worst output | cosine "
                + "| min SQNR dB | argmax | reverted | error |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|";
    }

    public static String row(ZooRow r) {
        return "| " + String.join(" | ", r.model(), r.via(), Integer.toString(r.exitCode()),
                pct(r.integerShare()), pct(r.sizeRatio()), num(r.fp32Ms(), "%.2f"), num(r.int8Ms(), "%.2f"),
                num(r.speedup(), "%.2f×"), r.worstOutput() == null ? "—" : r.worstOutput(),
                num(r.worstCosine(), "%.4f"), r.worstCosine() != null && r.minSqnrDb() == null ? "exact"
                        : num(r.minSqnrDb(), "%.1f"), pct(r.minArgmax()),
                r.groups() == null ? "—" : r.groupsReverted() + "/" + r.groups(),
                r.error() == null ? (r.stackTrace() ? "STACK TRACE" : "") : shorten(r.error())
                        + (r.stackTrace() ? " (+stack trace)" : "")) + " |";
    }

    public static String table(List<ZooRow> rows) {
        StringBuilder b = new StringBuilder(header()).append('\n');
        rows.forEach(r -> b.append(row(r)).append('\n'));
        return b.toString();
    }

    public static void writeJson(List<ZooRow> rows, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, JSON.writeValueAsString(rows));
    }

    private static String pct(Double v) {
        return v == null ? "—" : String.format(Locale.ROOT, "%.0f %%", 100 * v);
    }

    private static String num(Double v, String format) {
        return v == null ? "—" : String.format(Locale.ROOT, format, v);
    }

    private static String shorten(String s) {
        String t = s.replace("|", "/").strip();
        return t.length() > 140 ? t.substring(0, 137) + "..." : t;
    }
}
