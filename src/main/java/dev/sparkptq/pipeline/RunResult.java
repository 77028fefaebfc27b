package dev.sparkptq.pipeline;

import dev.sparkptq.core.Location;
import dev.sparkptq.report.RunReport;

import java.nio.file.Path;

/**
 * What a run produced: where the saved model and the report written next to it are (local paths or URIs), and the
 * report's content.
 */
public record RunResult(Location modelAt, Location reportAt, RunReport report) {
    /** A run written to a local folder. */
    public RunResult(Path model, Path reportFile, RunReport report) {
        this(Location.of(model), Location.of(reportFile), report);
    }

    /** The saved model's local path (the output folder must be local). */
    public Path model() {
        return modelAt.path();
    }

    /** The report's local path (the output folder must be local). */
    public Path reportFile() {
        return reportAt.path();
    }
}
