package dev.sparkptq.config;

/**
 * JSON files holding flat number arrays, {@code {"data": [...]}} (the key is configurable), each array holding one or
 * more samples back to back; the per-sample size comes from the model input's shape (batch 1). Files are read in
 * name order; with {@code labels} set to {@code FILENAME_PREFIX} the file name (without extension) is the label.
 *
 * @param input  model input to feed, or {@code null} for the model's only input
 * @param key    the JSON key of the array
 * @param labels optional labels
 */
public record JsonArrayReaderSpec(String input, String key, LabelSpec labels) implements ReaderSpec {
}
