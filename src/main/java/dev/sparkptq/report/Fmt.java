package dev.sparkptq.report;

import java.math.BigDecimal;
import java.util.Locale;

/** Number formats of report.html: locale-independent (deterministic output) and short enough for table cells. */
final class Fmt {
    private Fmt() {
    }

    /** "3,660,092 B (3.49 MiB)". */
    static String bytes(long bytes) {
        String exact = String.format(Locale.ROOT, "%,d B", bytes);
        if (bytes < 1024) {
            return exact;
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return exact + String.format(Locale.ROOT, " (%.2f %s)", v, units[u]);
    }

    /** Output size over input size, with the factor people quote: "0.289 (3.46× smaller)". */
    static String sizeRatio(double ratio) {
        if (!(ratio > 0) || Double.isInfinite(ratio)) {
            return "n/a";
        }
        String factor = ratio <= 1 ? String.format(Locale.ROOT, "%.2f\u00d7 smaller", 1 / ratio)
                : String.format(Locale.ROOT, "%.2f\u00d7 larger", ratio);
        return String.format(Locale.ROOT, "%.3f (%s)", ratio, factor);
    }

    static String metric(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : String.valueOf(v);
    }

    /** Four significant digits, e.g. scales "0.003922" or "1.250e-07". */
    static String sig(double v) {
        if (!Double.isFinite(v)) {
            return String.valueOf(v);
        }
        if (v == 0) {
            return "0";
        }
        double a = Math.abs(v);
        return a >= 1e-3 && a < 1e5 ? new BigDecimal(v).round(new java.math.MathContext(4)).stripTrailingZeros()
                .toPlainString() : String.format(Locale.ROOT, "%.3e", v);
    }

    /** "7,180 ms". */
    static String millis(long ms) {
        return String.format(Locale.ROOT, "%,d ms", ms);
    }

    /** "42,000". */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.1f %%", 100 * fraction);
    }

    /** Axis tick labels: "0", "0.01", "10", "1e5", "-1e-4". */
    static String tick(double v) {
        if (v == 0) {
            return "0";
        }
        double a = Math.abs(v);
        if (a >= 1e4 || a < 1e-3) {
            int exp = (int) Math.floor(Math.log10(a) + 1e-9);
            double mant = v / Math.pow(10, exp);
            String m = Math.abs(Math.abs(mant) - 1) < 1e-9 ? (mant < 0 ? "-1" : "1") : sig(mant);
            return m + "e" + exp;
        }
        return sig(v);
    }
}
