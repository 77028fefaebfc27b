package dev.sparkptq.pipeline;

import dev.sparkptq.data.DataSource;
import dev.sparkptq.data.SampleRef;

import java.nio.file.Path;
import java.util.List;

/**
 * Where the extra statistics passes of DefaultQuantization's steps (channel alignment, full bias correction) run and
 * on what: the calibration samples, their partitioning and the run's inference settings.
 *
 * @param workDir scratch folder for models staged on disk (large models only)
 */
record PassInputs(DataSource source, List<SampleRef> calibration, int partitions, int batchSize, int threads,
                  Path workDir) {
    PassInputs {
        calibration = List.copyOf(calibration);
    }
}
