package dev.sparkptq.data;

import dev.sparkptq.core.SampleId;

import java.io.Serializable;

/**
 * A small, serializable pointer to one sample, listed on the driver and shipped to executors, which turn it into a
 * {@link Sample} with {@link DataSource#load}.
 *
 * @param id      stable sample id (unique within the source)
 * @param locator where the sample lives: a file path (relative to the source root), or the text of a line
 * @param index   position inside the locator (row of a batched NPY array), 0 otherwise
 * @param label   class label, or {@code null}
 */
public record SampleRef(SampleId id, String locator, long index, Integer label) implements Serializable {
}
