package dev.sparkptq.accuracy;

import dev.sparkptq.core.InternalException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The aggregate value of each metric of one evaluation, keyed by metric name in configuration order (so reports
 * list them as the user wrote them).
 */
public record MetricValues(Map<String, Double> values) {
    public MetricValues {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** The value of the named metric; asking for a metric that was not evaluated is a bug in the caller. */
    public double get(String metric) {
        Double v = values.get(metric);
        if (v == null) {
            throw new InternalException("no value for metric '" + metric + "'; evaluated: " + values.keySet());
        }
        return v;
    }
}
