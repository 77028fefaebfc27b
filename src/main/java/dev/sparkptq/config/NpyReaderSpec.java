package dev.sparkptq.config;

import java.util.Map;

/**
 * NPY tensors. Two layouts:
 * <ul>
 *   <li>{@code batchAxis == false}: one sample per {@code .npy} file. With one model input the data source folder
 *   holds the files directly; with several, {@code inputs} maps each model input name to a sub-folder, and files
 *   with the same name across sub-folders form one sample.</li>
 *   <li>{@code batchAxis == true}: {@code inputs} maps each model input name to one {@code .npy} file (relative to the
 *   data source) whose first axis indexes samples; with one input and no mapping, the data source itself is the
 *   file.</li>
 * </ul>
 * Arrays are converted to the model input's element type when they differ (e.g. float64 → float32).
 *
 * @param inputs model input name → relative sub-folder or file; empty for a single-input model
 * @param batchAxis see above
 * @param labels optional labels
 */
public record NpyReaderSpec(Map<String, String> inputs, boolean batchAxis, LabelSpec labels) implements ReaderSpec {
    public NpyReaderSpec {
        inputs = Map.copyOf(inputs);
    }
}
