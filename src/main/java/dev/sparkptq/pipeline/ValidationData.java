package dev.sparkptq.pipeline;

import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.core.DataException;
import dev.sparkptq.data.DataSource;
import dev.sparkptq.data.DataSources;
import dev.sparkptq.data.SampleRef;
import dev.sparkptq.data.Subsets;
import dev.sparkptq.graph.ModelGraph;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The samples models are evaluated on: {@code eval_data_source} when given, else the calibration data, cut to
 * {@code eval_subset_size}.
 *
 * @param overlap how many of them were also calibration samples
 */
public record ValidationData(Path path, DataSource source, List<SampleRef> refs, int overlap) {
    public ValidationData {
        refs = List.copyOf(refs);
    }

    public static ValidationData of(PtqConfig config, ModelGraph graph, Set<SampleRef> calibrationRefs) {
        return of(config, graph, calibrationRefs, null);
    }

    /**
     * @param data samples given in code (the Java API's DataLoader) instead of the config's reader; null for the
     *             config's
     */
    public static ValidationData of(PtqConfig config, ModelGraph graph, Set<SampleRef> calibrationRefs,
                                    DataSource data) {
        Path evalPath = config.engine().evalDataSource() != null ? config.engine().evalDataSource()
                : config.engine().dataSource();
        DataSource source = data != null ? data
                : DataSources.create(config.engine().reader(), evalPath, graph.inputs());
        List<SampleRef> refs = source.list();
        if (config.engine().evalSubsetSize() != null) {
            refs = Subsets.select(refs, config.engine().evalSubsetSize(), false, 0L);
        }
        if (refs.isEmpty()) {
            throw new DataException("the evaluation data source " + evalPath + " has no samples");
        }
        int overlap = evalPath.equals(config.engine().dataSource())
                ? (int) refs.stream().filter(calibrationRefs::contains).count() : 0;
        return new ValidationData(evalPath, source, refs, overlap);
    }
}
