package dev.sparkptq.pipeline;

import dev.sparkptq.report.RunReport;

import java.nio.file.Path;

/** What a run produced: the saved model, the report written next to it, and the report's content. */
public record RunResult(Path model, Path reportFile, RunReport report) {
}
