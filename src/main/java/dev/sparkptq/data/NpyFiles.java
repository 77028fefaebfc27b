package dev.sparkptq.data;

import dev.sparkptq.config.LabelSpec;
import dev.sparkptq.config.NpyReaderSpec;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.DataException;
import dev.sparkptq.core.Location;
import dev.sparkptq.core.SampleId;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.core.TensorInfo;
import dev.sparkptq.storage.Storage;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * NPY files, one per sample, on another file system ({@link FileSamples}): the same sample ids (the file name),
 * labels and arrays as {@link NpyDataSource} on a local folder. With several model inputs each has its sub-folder
 * (the reader's {@code inputs}); Spark reads the first input's folder and each task reads the same-named files of the
 * other inputs directly, so a sample's arrays come together in one task.
 *
 * <p>Batched files ({@code batch_axis: true}) are not read this way: one file holds every sample, so Spark could not
 * split it into partitions; such data is refused before any job, naming the layouts that work.
 */
final class NpyFiles implements FileSamples {
    private static final long serialVersionUID = 1L;

    /** model input → its folder, sorted by input name (the first is the folder Spark reads). */
    private final TreeMap<String, Location> folders;
    private final Map<String, TensorInfo> inputs;
    private final FilenameLabels labels;

    private NpyFiles(TreeMap<String, Location> folders, Map<String, TensorInfo> inputs, FilenameLabels labels) {
        this.folders = folders;
        this.inputs = inputs;
        this.labels = labels;
    }

    /**
     * The reader of the remote {@code source}, checked against the model and the folders' existence (metadata only).
     *
     * @throws ConfigException for batched files
     * @throws DataException when an input's folder is missing or an input has no data
     */
    static NpyFiles create(NpyReaderSpec spec, Location source, List<TensorInfo> modelInputs) {
        if (spec.batchAxis()) {
            throw new ConfigException("data source " + source + ": batched NPY files (batch_axis true) are read from "
                    + "local paths only; on " + source.scheme() + ":// save one .npy file per sample (batch_axis "
                    + "false) or store the samples as a table (engine.reader.type \"table\")");
        }
        Map<String, TensorInfo> byName = new HashMap<>();
        TreeMap<String, Location> folders = new TreeMap<>();
        NpyDataSource.mapInputs(spec, modelInputs, byName).forEach((input, rel) -> {
            Location folder = rel == null ? source : source.resolve(rel);
            if (!Storage.isDirectory(folder)) {
                String what = rel == null ? "data source" : "NPY location of input '" + input + "'";
                throw new DataException(what + " " + folder + (Storage.exists(folder) ? " is not a folder" : " does "
                        + "not exist") + "; with batchAxis=false point it at a folder of .npy files (one per sample)");
            }
            folders.put(input, folder);
        });
        LabelSpec ls = spec.labels();
        if (ls != null && ls.from() != LabelSpec.Source.FILENAME_PREFIX) {
            throw new DataException(ls.from() + " labels need one NPY file with a batch axis, but the NPY reader "
                    + "has batchAxis=false; use FILENAME_PREFIX labels");
        }
        return new NpyFiles(folders, Map.copyOf(byName), ls == null ? null : FilenameLabels.of(ls));
    }

    @Override
    public Location folder() {
        return folders.firstEntry().getValue();
    }

    @Override
    public boolean accepts(String name) {
        return SourceFiles.extension(name).equals("npy");
    }

    @Override
    public String expected() {
        return "npy files";
    }

    /** One sample per file of the first input's folder; every other input must have a file of the same name. */
    @Override
    public List<SampleRef> refs(List<String> names) {
        String first = folders.firstKey();
        for (Map.Entry<String, Location> e : folders.tailMap(first, false).entrySet()) {
            Set<String> present = new HashSet<>();
            Storage.listFileEntries(e.getValue()).forEach(f -> present.add(f.name()));
            for (String name : names) {
                if (!present.contains(name)) {
                    throw new DataException("sample " + name + " exists for input '" + first + "' but "
                            + e.getValue().child(name) + " is missing for input '" + e.getKey() + "'; give every "
                            + "input a file of the same name");
                }
            }
        }
        return names.stream().map(n -> new SampleRef(new SampleId(n), n, 0, labels == null ? null
                : labels.labelOf(n))).toList();
    }

    @Override
    public List<Sample> decode(List<SampleRef> wanted, byte[] content, String where) {
        return wanted.stream().map(ref -> sample(ref, content, where)).toList();
    }

    private Sample sample(SampleRef ref, byte[] content, String where) {
        Map<String, Tensor> tensors = new HashMap<>();
        String first = folders.firstKey();
        for (Map.Entry<String, Location> e : folders.entrySet()) {
            Tensor raw;
            if (e.getKey().equals(first)) {
                raw = Npy.read(content, where);
            } else {
                Location other = e.getValue().child(ref.locator());
                raw = Npy.read(SourceFiles.readAll(other, "NPY file"), other.toString());
            }
            TensorInfo in = inputs.get(e.getKey());
            tensors.put(in.name(), NpyDataSource.asInput(raw, in, ref.id()));
        }
        return new Sample(ref.id(), tensors, ref.label());
    }

}
