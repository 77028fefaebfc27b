/**
 * What a run tells its user: {@link dev.sparkptq.report.RunReport} (report.json, versioned by
 * {@link dev.sparkptq.report.RunReport#FORMAT_VERSION}), provenance, and the tool version.
 *
 * <p>{@link dev.sparkptq.report.HtmlReport} renders the same report as a self-contained report.html (inline CSS and
 * SVG, no scripts, no network), and {@link dev.sparkptq.report.StatisticsCache} is the versioned statistics.json.
 *
 * <p>Invariants: the report's JSON is deterministic for the same run (sorted map keys, fixed field order); only
 * {@code timings_ms} varies between identical runs.
 */
package dev.sparkptq.report;
