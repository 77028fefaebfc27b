package dev.sparkptq.pipeline;

import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.core.DataException;
import dev.sparkptq.data.DataSource;
import dev.sparkptq.data.DataSources;
import dev.sparkptq.data.SampleRef;
import dev.sparkptq.data.SourceFactory;
import dev.sparkptq.data.Subsets;
import dev.sparkptq.graph.ModelGraph;

import java.util.List;
import java.util.Set;

/**
 * The samples models are evaluated on: {@code eval_data_source} (or the table reader's {@code eval_table}) when
 * given, else the calibration data, cut to {@code eval_subset_size}.
 *
 * @param name    the evaluation data as the report names it
 * @param overlap how many of them were also calibration samples
 */
public record ValidationData(String name, DataSource source, List<SampleRef> refs, int overlap) {
    public ValidationData {
        refs = List.copyOf(refs);
    }

    public static ValidationData of(PtqConfig config, ModelGraph graph, Set<SampleRef> calibrationRefs) {
        return of(config, graph, calibrationRefs, null, DataSources.LOCAL);
    }

    /**
     * @param data    samples given in code (the Java API's DataLoader) instead of the config's reader; null for the
     *                config's
     * @param sources how the config's reader reads its data (the backend's)
     */
    public static ValidationData of(PtqConfig config, ModelGraph graph, Set<SampleRef> calibrationRefs,
                                    DataSource data, SourceFactory sources) {
        String name = config.engine().evaluationDataName();
        DataSource source = data != null ? data : sources.create(config.engine().evaluationReader(),
                config.engine().evaluationData(), graph.inputs());
        List<SampleRef> refs = source.list();
        if (config.engine().evalSubsetSize() != null) {
            refs = Subsets.select(refs, config.engine().evalSubsetSize(), false, 0L);
        }
        if (refs.isEmpty()) {
            throw new DataException("the evaluation data source " + name + " has no samples");
        }
        int overlap = name.equals(config.engine().dataName())
                ? (int) refs.stream().filter(calibrationRefs::contains).count() : 0;
        return new ValidationData(name, source, refs, overlap);
    }
}
