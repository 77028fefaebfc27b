package dev.sparkptq.pipeline;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.report.HtmlReport;
import dev.sparkptq.report.ReportWriter;
import dev.sparkptq.report.RunReport;
import dev.sparkptq.report.StatisticsCache;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Writes model.onnx (+ external data), statistics.json, report.html and report.json so that a reader never sees a
 * half-written or mixed result: everything is written into a temporary folder inside the output folder, then renamed
 * into place (external data first, the model second, the statistics third, report.html fourth, report.json last:
 * its presence means the whole output is there).
 */
final class OutputWriter {
    static final String MODEL = "model.onnx";
    static final String REPORT = "report.json";
    static final String REPORT_HTML = "report.html";
    static final String STATISTICS = "statistics.json";

    private OutputWriter() {
    }

    static RunResult write(Path outputDir, OnnxMl.ModelProto quantized, QuantizationPipeline.ReportInputs in,
                           RunReport.MetricsSummary metrics,
                           List<RunReport.QuantErrorSummary> quantizationError, Stopwatch clock) {
        return write(outputDir, quantized, in, metrics, quantizationError, clock, r -> r);
    }

    /** As above; {@code decorate} adds report sections the base run does not know (e.g. accuracy-aware). */
    static RunResult write(Path outputDir, OnnxMl.ModelProto quantized, QuantizationPipeline.ReportInputs in,
                           RunReport.MetricsSummary metrics, List<RunReport.QuantErrorSummary> quantizationError,
                           Stopwatch clock, java.util.function.UnaryOperator<RunReport> decorate) {
        Path tmp = null;
        try {
            Files.createDirectories(outputDir);
            tmp = Files.createTempDirectory(outputDir, ".spark-ptq-tmp-");
            Path model = tmp.resolve(MODEL);
            ModelIo.save(quantized, model);
            Path data = tmp.resolve(MODEL + ".data");
            boolean external = Files.exists(data);
            long bytes = Files.size(model) + (external ? Files.size(data) : 0);
            clock.lap("save");
            RunReport report = decorate.apply(Reports.build(in, outputDir.resolve(MODEL), bytes,
                    external ? MODEL + ".data" : null, metrics, clock.finish(), quantizationError));
            Files.write(tmp.resolve(REPORT), ReportWriter.toJson(report));
            Files.write(tmp.resolve(REPORT_HTML), HtmlReport.toHtml(report));
            Files.write(tmp.resolve(STATISTICS), StatisticsCache.toJson(in.stats()));
            if (external) {
                move(data, outputDir.resolve(MODEL + ".data"));
            }
            move(model, outputDir.resolve(MODEL));
            if (!external) {
                Files.deleteIfExists(outputDir.resolve(MODEL + ".data")); // stale data of an earlier run
            }
            move(tmp.resolve(STATISTICS), outputDir.resolve(STATISTICS));
            move(tmp.resolve(REPORT_HTML), outputDir.resolve(REPORT_HTML));
            move(tmp.resolve(REPORT), outputDir.resolve(REPORT));
            return new RunResult(outputDir.resolve(MODEL), outputDir.resolve(REPORT), report);
        } catch (IOException e) {
            throw new InternalException("cannot write the output to " + outputDir + ": " + e.getMessage()
                    + "; check that the folder is writable and the disk has space", e);
        } finally {
            Scratch.delete(tmp);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

}
