package dev.sparkptq.pipeline;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.core.Location;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.report.HtmlReport;
import dev.sparkptq.report.ReportWriter;
import dev.sparkptq.report.RunReport;
import dev.sparkptq.report.StatisticsCache;
import dev.sparkptq.storage.Folder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes model.onnx (+ external data), statistics.json, report.html and report.json so that a reader never sees a
 * half-written or mixed result, on any file system: everything is written into a temporary folder (inside a local
 * output folder; in the run's scratch folder for another file system), then
 * published by {@link OutputSwap} (external data first, report.json last: its presence means the whole output is
 * there; an earlier run's files are moved aside first, and a replace interrupted by kill -9 is finished by the next
 * run).
 */
final class OutputWriter {
    static final String MODEL = "model.onnx";
    static final String REPORT = "report.json";
    static final String REPORT_HTML = "report.html";
    static final String STATISTICS = "statistics.json";

    private OutputWriter() {
    }

    static RunResult write(Location outputDir, OnnxMl.ModelProto quantized, QuantizationPipeline.ReportInputs in,
                           RunReport.MetricsSummary metrics,
                           List<RunReport.QuantErrorSummary> quantizationError, Stopwatch clock) {
        return write(outputDir, quantized, in, metrics, quantizationError, clock, r -> r);
    }

    /**
     * As above; {@code decorate} adds report sections the base run does not know (e.g. accuracy-aware). A local output
     * is staged inside its own folder; any other is staged in a scratch folder of this run and then uploaded
     * ({@link OutputSwap#publish(Path, Folder)}).
     */
    static RunResult write(Location outputDir, OnnxMl.ModelProto quantized, QuantizationPipeline.ReportInputs in,
                           RunReport.MetricsSummary metrics, List<RunReport.QuantErrorSummary> quantizationError,
                           Stopwatch clock, java.util.function.UnaryOperator<RunReport> decorate) {
        Path tmp = null;
        Folder out = Folder.of(outputDir);
        try {
            out.mkdirs("");
            OutputSwap.recover(out);
            tmp = outputDir.isLocal() ? Scratch.createIn(outputDir.path(), OutputSwap.TMP_PREFIX) : Scratch.create();
            Path model = tmp.resolve(MODEL);
            ModelIo.save(quantized, model, externalThreshold(in.run().modelPath(), quantized));
            Path data = tmp.resolve(MODEL + ".data");
            boolean external = Files.exists(data);
            long bytes = Files.size(model) + (external ? Files.size(data) : 0);
            clock.lap("save");
            RunReport report = decorate.apply(Reports.build(in, outputDir.child(MODEL).toString(), bytes,
                    external ? MODEL + ".data" : null, ModelIo.sha256(model), metrics, clock.finish(),
                    quantizationError));
            Files.write(tmp.resolve(REPORT), ReportWriter.toJson(report));
            Files.write(tmp.resolve(REPORT_HTML), HtmlReport.toHtml(report));
            Files.write(tmp.resolve(STATISTICS), StatisticsCache.toJson(in.calibration().content()));
            OutputSwap.publish(tmp, out);
            if (outputDir.isLocal()) {
                tmp = null; // renamed into place
            }
            return new RunResult(outputDir.child(MODEL), outputDir.child(REPORT), report);
        } catch (IOException e) {
            throw new InternalException("cannot write the output to " + outputDir + ": " + e.getMessage()
                    + "; check that the folder is writable and the disk has space", e);
        } finally {
            Scratch.delete(tmp);
        }
    }

    /**
     * An input that kept its weights in external data gets an output that does too (every initializer of at least
     * 1 KiB in model.onnx.data), so that tools which handled the input handle the output the same way; otherwise
     * only a model too large for one protobuf message does. The input model file smaller than even the quantized
     * weights means its weights were stored outside it (an inline model's file holds all of its FP32 weights).
     */
    static long externalThreshold(Path input, OnnxMl.ModelProto quantized) {
        try {
            return Files.size(input) < ModelIo.initializerBytes(quantized) ? 0 : ModelIo.DEFAULT_EXTERNAL_THRESHOLD;
        } catch (IOException e) {
            return ModelIo.DEFAULT_EXTERNAL_THRESHOLD;
        }
    }
}
