package dev.sparkptq.accuracy;

import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.DataException;
import dev.sparkptq.core.InternalException;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The accumulators of every metric of one evaluation, added to per sample and merged across partitions (the value
 * a Spark {@code treeAggregate} carries). Merge laws are those of {@link MetricAccumulator}, metric by metric.
 */
public final class EvaluationAccumulator implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<Metric> metrics;
    private final List<MetricAccumulator> accumulators;

    private EvaluationAccumulator(List<Metric> metrics) {
        this.metrics = List.copyOf(metrics);
        this.accumulators = new ArrayList<>();
        for (Metric m : this.metrics) {
            accumulators.add(m.newAccumulator());
        }
    }

    /** An empty accumulator (the merge identity) for these metrics, in report order. */
    public static EvaluationAccumulator of(List<Metric> metrics) {
        List<String> names = names(metrics);
        if (new HashSet<>(names).size() != names.size()) {
            throw new ConfigException("metric names must be unique (they key report.json), got " + names);
        }
        return new EvaluationAccumulator(metrics);
    }

    public EvaluationAccumulator add(EvalSample sample) {
        for (int i = 0; i < metrics.size(); i++) {
            metrics.get(i).accumulate(accumulators.get(i), sample);
        }
        return this;
    }

    /** Folds {@code other} (built from the same metrics) into this one and returns this. */
    public EvaluationAccumulator merge(EvaluationAccumulator other) {
        if (!metrics.equals(other.metrics)) {
            throw new InternalException("cannot merge evaluations of different metrics: " + names(metrics)
                    + " vs " + names(other.metrics));
        }
        for (int i = 0; i < accumulators.size(); i++) {
            accumulators.get(i).merge(other.accumulators.get(i));
        }
        return this;
    }

    public long count() {
        return accumulators.isEmpty() ? 0 : accumulators.get(0).count();
    }

    /** The aggregate of every metric; an evaluation over no samples has no value and is a data error. */
    public MetricValues values() {
        if (count() == 0) {
            throw new DataException("no samples were evaluated for metrics " + names(metrics)
                    + "; the validation data is empty, check the data source and its filters");
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < metrics.size(); i++) {
            out.put(metrics.get(i).name(), accumulators.get(i).value());
        }
        return new MetricValues(out);
    }

    private static List<String> names(List<Metric> metrics) {
        return metrics.stream().map(Metric::name).toList();
    }
}
