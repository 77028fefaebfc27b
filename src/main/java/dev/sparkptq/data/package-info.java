/**
 * Calibration and evaluation data: readers that turn a folder of images, NPY arrays, JSON number arrays or text
 * lines into {@link dev.sparkptq.data.Sample}s shaped for the model's inputs.
 *
 * <p>Roles: {@link dev.sparkptq.data.DataSources#create} validates a reader spec against the data and the model
 * inputs up front (every path exists, every model input can be fed) and returns a {@link dev.sparkptq.data.DataSource}.
 * The driver calls {@code list()} to get small {@link dev.sparkptq.data.SampleRef}s; executors call {@code load(ref)}.
 *
 * <p>Invariants:
 * <ul>
 *   <li>Data sources are {@link java.io.Serializable} and hold only strings, numbers and small maps — never a
 *   {@link java.nio.file.Path} (not serializable), never a decoded array or a native handle. Heavy per-JVM state
 *   (tokenizers, memory-mapped NPY files, parsed JSON arrays) lives in static, lazily filled caches.</li>
 *   <li>{@code list()} returns samples in a stable order (file name order, or line order) and fails on an empty
 *   source; every sample id is unique within its source.</li>
 *   <li>Every loaded tensor has a leading batch axis of 1, the model input's element type, and matches the model
 *   input's fixed dimensions; anything else is a {@link dev.sparkptq.core.DataException} naming the sample.</li>
 *   <li>Image resizing reproduces Pillow's {@code Image.resize(..., BILINEAR)} on 8-bit images bit for bit
 *   (fixed-point weights, rounding to uint8 after each pass), since torchvision-trained models are sensitive to
 *   it.</li>
 *   <li>The HuggingFace tokenizer (DJL) runs offline: {@link dev.sparkptq.data.Tokenizers} sets
 *   {@code ai.djl.offline=true} and {@code OPT_OUT_TRACKING=true} (system properties) before DJL loads, unless the
 *   user set them; the native library comes from the DJL jar and is extracted to DJL's cache folder
 *   ({@code ~/.djl.ai}, or {@code DJL_CACHE_DIR} / {@code ENGINE_CACHE_DIR} when set — set one of them on hosts
 *   whose home folder is read-only).</li>
 * </ul>
 */
package dev.sparkptq.data;
