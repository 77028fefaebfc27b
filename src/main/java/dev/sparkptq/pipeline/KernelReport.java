package dev.sparkptq.pipeline;

import dev.sparkptq.algorithms.embeddings.EmbeddingTables;
import dev.sparkptq.algorithms.kernelchoice.Kernel;
import dev.sparkptq.algorithms.kernelchoice.KernelChoice;
import dev.sparkptq.report.RunReport;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** report.json's {@code kernel_choice} section from {@link KernelStep}'s outcome. */
final class KernelReport {
    private KernelReport() {
    }

    /** Null when no op was decided and no table compressed (the section is then left out). */
    static RunReport.KernelChoiceSummary summary(KernelStep.Outcome o) {
        if (o.rows().isEmpty() && o.tables().isEmpty()) {
            return null;
        }
        List<RunReport.KernelOp> ops = o.rows().stream().map(KernelReport::op).toList();
        List<RunReport.EmbeddingTable> tables = o.tables().stream().map(t -> new RunReport.EmbeddingTable(t.node(),
                t.table(), Arrays.stream(t.shape()).boxed().toList(), t.perColumn() ? "per_column" : "per_tensor",
                t.floatBytes(), t.storedBytes())).toList();
        return new RunReport.KernelChoiceSummary(ops, tables);
    }

    private static RunReport.KernelOp op(KernelChoice.Row r) {
        return new RunReport.KernelOp(r.node(), r.input(), name(r.kernel()), r.reason(), byName(r.groupMs()),
                byName(r.sqnrDb()));
    }

    private static Map<String, Double> byName(Map<Kernel, Double> values) {
        Map<String, Double> out = new TreeMap<>();
        values.forEach((k, v) -> out.put(name(k), Double.isFinite(v) ? v : null));
        return out;
    }

    private static String name(Kernel k) {
        return k.name().toLowerCase(Locale.ROOT);
    }
}
