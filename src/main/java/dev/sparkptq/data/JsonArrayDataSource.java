package dev.sparkptq.data;

import dev.sparkptq.config.JsonArrayReaderSpec;
import dev.sparkptq.config.LabelSpec;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.DataException;
import dev.sparkptq.core.Location;
import dev.sparkptq.core.SampleId;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.core.TensorInfo;
import dev.sparkptq.storage.Storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * JSON files of flat number arrays (see {@link JsonArrayReaderSpec}), each holding one or more samples back to back;
 * the sample size is the model input's shape with batch 1. Files are read in name order; the sample id is
 * {@code <file>#<k>} with {@code k} the zero-padded position inside the file. The driver only counts numbers;
 * executors parse a file when they first need one of its samples and keep the last few files per JVM.
 */
public final class JsonArrayDataSource implements DataSource {
    private static final long serialVersionUID = 1L;
    static final String DEFAULT_KEY = "data";

    private final String folder;
    /** File names to read (one when the data source is a single file). */
    private final List<String> files;
    private final String key;
    private final TensorInfo input;
    private final int elements;
    private final FilenameLabels labels;

    private JsonArrayDataSource(String folder, List<String> files, String key, TensorInfo input, int elements,
                                FilenameLabels labels) {
        this.folder = folder;
        this.files = List.copyOf(files);
        this.key = key;
        this.input = input;
        this.elements = elements;
        this.labels = labels;
    }

    static JsonArrayDataSource create(JsonArrayReaderSpec spec, Path source, List<TensorInfo> modelInputs) {
        SourceFiles.requireExists(source, "a folder of JSON files ({\"data\": [numbers...]})");
        Path abs = source.toAbsolutePath();
        if (Files.isDirectory(abs)) {
            return of(spec, abs.toString(), SourceFiles.list(abs, Set.of("json")), modelInputs);
        }
        return of(spec, abs.getParent().toString(), List.of(abs.getFileName().toString()), modelInputs);
    }

    /**
     * The JSON files of {@code source} (a folder or one file) on another file system, read by Spark's
     * {@code binaryFile} source ({@link JsonArrayFiles}); checked against the model before any file is read.
     */
    public static FileSamples files(JsonArrayReaderSpec spec, Location source,
                                    List<TensorInfo> modelInputs) {
        JsonArrayDataSource reader = of(spec, null, List.of(), modelInputs);
        if (Storage.isFile(source)) {
            return new JsonArrayFiles(source.parent(), source.name(), reader);
        }
        if (!Storage.isDirectory(source)) {
            throw new DataException("data source " + source + " does not exist; point the data source at a folder "
                    + "of JSON files ({\"data\": [numbers...]})");
        }
        return new JsonArrayFiles(source, null, reader);
    }

    private static JsonArrayDataSource of(JsonArrayReaderSpec spec, String folder, List<String> files,
                                          List<TensorInfo> modelInputs) {
        TensorInfo input = ModelInputs.resolve(spec.input(), modelInputs, "JSON array reader");
        if (input.dtype() != null && input.dtype() != DType.FLOAT && input.dtype() != DType.DOUBLE) {
            throw new DataException("model input '" + input.name() + "' wants " + input.dtype() + " but the JSON "
                    + "array reader produces FLOAT tensors; use an NPY reader for integer data");
        }
        int elements = ModelInputs.elementsPerSample(input, "JSON array reader");
        LabelSpec ls = spec.labels();
        if (ls != null && ls.from() != LabelSpec.Source.FILENAME_PREFIX) {
            throw new DataException("JSON array reader labels must come from FILENAME_PREFIX, not " + ls.from()
                    + "; name the files after their class (0.json, 1.json, ...)");
        }
        FilenameLabels labels = ls == null ? null : FilenameLabels.of(ls);
        String key = spec.key() == null || spec.key().isEmpty() ? DEFAULT_KEY : spec.key();
        return new JsonArrayDataSource(folder, files, key, input, elements, labels);
    }

    @Override
    public List<SampleRef> list() {
        List<SampleRef> refs = new ArrayList<>();
        for (String name : files) {
            Path file = Path.of(folder, name);
            refs.addAll(refsOf(name, JsonArrays.count(file, key), file.toString()));
        }
        return refs;
    }

    /** The key of the number array in each file. */
    String key() {
        return key;
    }

    /** The samples of the file {@code name} holding {@code count} numbers. */
    List<SampleRef> refsOf(String name, long count, String where) {
        if (count == 0 || count % elements != 0) {
            throw new DataException("JSON file " + where + " holds " + count + " numbers, not a positive multiple "
                    + "of " + elements + " (one sample of model input '" + input.name() + "' "
                    + Arrays.toString(input.shape()) + "); fix the file or the model input");
        }
        long samples = count / elements;
        Integer label = labels == null ? null : labels.labelOf(name);
        int width = String.valueOf(samples - 1).length();
        List<SampleRef> refs = new ArrayList<>((int) samples);
        for (long k = 0; k < samples; k++) {
            SampleId id = new SampleId(name + "#" + String.format("%0" + width + "d", k));
            refs.add(new SampleRef(id, name, k, label));
        }
        return refs;
    }

    @Override
    public Sample load(SampleRef ref) {
        return sample(ref, JsonArrays.floats(Path.of(folder, ref.locator()), key));
    }

    /** The sample {@code ref} of a file whose numbers are {@code all}. */
    Sample sample(SampleRef ref, float[] all) {
        long from = ref.index() * elements;
        if (from + elements > all.length) {
            throw new DataException("sample '" + ref.id() + "' is past the end of " + ref.locator() + " ("
                    + all.length / elements + " samples); the file changed since the samples were listed");
        }
        float[] values = Arrays.copyOfRange(all, (int) from, (int) from + elements);
        Tensor t = Tensors.convert(Tensor.ofFloats(ModelInputs.batchOne(input), values), input.dtype(),
                "sample '" + ref.id() + "'");
        return new Sample(ref.id(), Map.of(input.name(), t), ref.label());
    }
}
