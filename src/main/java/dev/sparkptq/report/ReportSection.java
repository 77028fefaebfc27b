package dev.sparkptq.report;

/**
 * A section that a caller adds to report.html, after the built-in ones. Later features (the accuracy-aware search's
 * revert-group ranking and drop per iteration, per-layer SQNR) plug in here with their own data, e.g. as a
 * {@link BarChartSection}; a section whose {@link #id} is one of {@link HtmlReport.Planned} replaces that
 * placeholder.
 */
public interface ReportSection {
    /** Anchor id, unique in the page: lower-case letters, digits and '-'. */
    String id();

    /** Heading and navigation entry. */
    String title();

    /** Writes the section's body (everything under its heading); text must go through {@link Markup#text}. */
    void render(Markup body);
}
