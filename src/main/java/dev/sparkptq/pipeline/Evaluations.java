package dev.sparkptq.pipeline;

import dev.sparkptq.accuracy.Drop;
import dev.sparkptq.accuracy.Metrics;
import dev.sparkptq.config.MetricSpec;
import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.report.RunReport;

import java.util.Map;
import java.util.TreeMap;

/** Drops and the report section of an evaluation. */
final class Evaluations {
    private Evaluations() {
    }

    static RunReport.MetricsSummary summary(PtqConfig config, String source, EvaluationResult r, int overlap) {
        Map<String, Double> drop = new TreeMap<>();
        for (MetricSpec m : config.engine().metrics()) {
            Double f = r.fp32().get(m.name());
            Double q = r.candidate().get(m.name());
            if (f != null && q != null) {
                drop.put(m.name(), Drop.absolute(f, q, Metrics.higherBetter(m)));
            }
        }
        return new RunReport.MetricsSummary(source, r.samples(), overlap, r.fp32(), r.candidate(), drop);
    }
}
