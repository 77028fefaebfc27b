package dev.sparkptq.data;

import dev.sparkptq.config.LabelSpec;
import dev.sparkptq.config.NpyReaderSpec;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.DataException;
import dev.sparkptq.core.SampleId;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.core.TensorInfo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * NPY arrays, one file per sample or one batched file per model input (see {@link NpyReaderSpec}). Arrays are
 * converted to the model input's element type, given a leading batch axis of 1 when they have one axis fewer than
 * the model input, and checked against its fixed dimensions.
 *
 * <p>Sample ids: the file name (one file per sample), or {@code <file>#<row>} with the row zero-padded so that ids
 * sort in row order (batched).
 */
public final class NpyDataSource implements DataSource {
    private static final long serialVersionUID = 1L;

    /** How samples are laid out on disk. */
    enum Layout { FILE_PER_SAMPLE, BATCHED }

    private final Layout layout;
    /** model input name → absolute folder (FILE_PER_SAMPLE) or file (BATCHED), sorted by input name. */
    private final TreeMap<String, String> locations;
    private final Map<String, TensorInfo> inputs;
    private final NpyLabels labels;

    private NpyDataSource(Layout layout, TreeMap<String, String> locations, Map<String, TensorInfo> inputs,
                          NpyLabels labels) {
        this.layout = layout;
        this.locations = locations;
        this.inputs = inputs;
        this.labels = labels;
    }

    static NpyDataSource create(NpyReaderSpec spec, Path source, List<TensorInfo> modelInputs) {
        SourceFiles.requireExists(source, spec.batchAxis() ? "an NPY file or a folder of batched NPY files"
                : "a folder of .npy files");
        Layout layout = spec.batchAxis() ? Layout.BATCHED : Layout.FILE_PER_SAMPLE;
        Map<String, TensorInfo> byName = new HashMap<>();
        TreeMap<String, String> locations = new TreeMap<>();
        mapInputs(spec, modelInputs, byName).forEach((input, rel) -> locations.put(input, checked(rel == null
                ? source : source.resolve(rel), layout, rel == null ? null : input)));
        return new NpyDataSource(layout, locations, Map.copyOf(byName), NpyLabels.of(spec.labels(), source, layout));
    }

    /**
     * Which model input reads which location: input name → the location relative to the data source as the
     * reader's {@code inputs} map gives it, or null for the data source itself (a model with one input and no map).
     * Fills {@code byName} with the inputs read.
     *
     * @throws DataException when an input has no data or the map names no input of the model
     */
    static TreeMap<String, String> mapInputs(NpyReaderSpec spec, List<TensorInfo> modelInputs,
                                             Map<String, TensorInfo> byName) {
        TreeMap<String, String> out = new TreeMap<>();
        if (spec.inputs().isEmpty()) {
            if (modelInputs.size() != 1) {
                throw new DataException("the model has " + modelInputs.size() + " inputs "
                        + ModelInputs.names(modelInputs) + " but the NPY reader maps none; map each input to a "
                        + (spec.batchAxis() ? "file" : "sub-folder") + " in 'inputs'");
            }
            TensorInfo only = modelInputs.get(0);
            byName.put(only.name(), only);
            out.put(only.name(), null);
            return out;
        }
        for (Map.Entry<String, String> e : spec.inputs().entrySet()) {
            TensorInfo in = ModelInputs.resolve(e.getKey(), modelInputs, "NPY reader");
            byName.put(in.name(), in);
            out.put(in.name(), e.getValue());
        }
        for (TensorInfo in : modelInputs) {
            if (!byName.containsKey(in.name())) {
                throw new DataException("model input '" + in.name() + "' has no data: the NPY reader maps only "
                        + byName.keySet() + "; add '" + in.name() + "' to 'inputs'");
            }
        }
        return out;
    }

    /** An array read from a file as the model input {@code in} takes it: converted, batch axis added, checked. */
    static Tensor asInput(Tensor t, TensorInfo in, SampleId id) {
        Tensor out = ModelInputs.withBatchAxis(Tensors.convert(t, in.dtype(), "sample '" + id + "'"), in);
        ModelInputs.checkShape(id, out, in);
        return out;
    }

    private static String checked(Path p, Layout layout, String input) {
        String what = input == null ? "data source" : "NPY location of input '" + input + "'";
        if (layout == Layout.BATCHED && !Files.isRegularFile(p)) {
            throw new DataException(what + " " + p + " is not a file; with batchAxis=true point it at an .npy file "
                    + "whose first axis indexes samples");
        }
        if (layout == Layout.FILE_PER_SAMPLE && !Files.isDirectory(p)) {
            throw new DataException(what + " " + p + " is not a folder; with batchAxis=false point it at a folder "
                    + "of .npy files (one per sample)");
        }
        return p.toAbsolutePath().toString();
    }

    @Override
    public List<SampleRef> list() {
        List<SampleRef> refs = layout == Layout.BATCHED ? listBatched() : listFiles();
        return labels == null ? refs : labels.apply(refs);
    }

    private List<SampleRef> listFiles() {
        String first = locations.firstKey();
        List<String> names = SourceFiles.list(Path.of(locations.get(first)), Set.of("npy"));
        for (Map.Entry<String, String> e : locations.entrySet()) {
            for (String name : names) {
                if (!Files.isRegularFile(Path.of(e.getValue(), name))) {
                    throw new DataException("sample " + name + " exists for input '" + first + "' but "
                            + Path.of(e.getValue(), name) + " is missing for input '" + e.getKey() + "'; give every "
                            + "input a file of the same name");
                }
            }
        }
        List<SampleRef> refs = new ArrayList<>(names.size());
        for (String name : names) {
            refs.add(new SampleRef(new SampleId(name), name, 0, null));
        }
        return refs;
    }

    private List<SampleRef> listBatched() {
        long rows = -1;
        String firstFile = null;
        for (Map.Entry<String, String> e : locations.entrySet()) {
            long[] shape = NpyMapCache.get(Path.of(e.getValue())).header().shape();
            long n = shape.length == 0 ? 0 : shape[0];
            if (firstFile != null && n != rows) {
                throw new DataException("batched NPY files disagree on the sample count: " + firstFile + " has "
                        + rows + " rows, " + e.getValue() + " has " + n + "; give every input the same rows");
            }
            rows = n;
            firstFile = e.getValue();
        }
        if (rows <= 0) {
            throw new DataException("NPY file " + firstFile + " holds no samples; point the data source at data");
        }
        String name = Path.of(locations.firstEntry().getValue()).getFileName().toString();
        int width = String.valueOf(rows - 1).length();
        List<SampleRef> refs = new ArrayList<>((int) rows);
        for (long r = 0; r < rows; r++) {
            String id = name + "#" + String.format("%0" + width + "d", r);
            refs.add(new SampleRef(new SampleId(id), name, r, null));
        }
        return refs;
    }

    @Override
    public Sample load(SampleRef ref) {
        Map<String, Tensor> tensors = new HashMap<>();
        for (Map.Entry<String, String> e : locations.entrySet()) {
            TensorInfo in = inputs.get(e.getKey());
            Path where = Path.of(e.getValue());
            Tensor t = layout == Layout.BATCHED ? Npy.readRow(where, ref.index())
                    : Npy.read(where.resolve(ref.locator()));
            t = asInput(t, in, ref.id());
            tensors.put(in.name(), t);
        }
        return new Sample(ref.id(), tensors, ref.label());
    }

    /** Where the labels of an NPY source come from, resolved at creation. */
    static final class NpyLabels implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private final String labelFile;
        private final FilenameLabels byName;

        private NpyLabels(String labelFile, FilenameLabels byName) {
            this.labelFile = labelFile;
            this.byName = byName;
        }

        static NpyLabels of(LabelSpec spec, Path source, Layout layout) {
            if (spec == null) {
                return null;
            }
            if (spec.from() == LabelSpec.Source.FILENAME_PREFIX) {
                if (layout == Layout.BATCHED) {
                    throw new DataException("FILENAME_PREFIX labels need one file per sample, but the NPY reader "
                            + "has batchAxis=true; use NPY_FILE labels");
                }
                return new NpyLabels(null, FilenameLabels.of(spec));
            }
            Path base = Files.isDirectory(source) ? source : source.toAbsolutePath().getParent();
            // no labels.file: each data source brings its own labels.npy (calibration and evaluation splits differ)
            Path file = spec.file() == null ? base.resolve("labels.npy") : base.resolve(spec.file());
            if (!Files.isRegularFile(file)) {
                throw new DataException("label file " + file + " does not exist; point 'labels.file' at a 1-D "
                        + "integer .npy file with one label per sample");
            }
            return new NpyLabels(file.toAbsolutePath().toString(), null);
        }

        List<SampleRef> apply(List<SampleRef> refs) {
            long[] values = byName == null ? read(refs.size()) : null;
            List<SampleRef> out = new ArrayList<>(refs.size());
            for (int i = 0; i < refs.size(); i++) {
                SampleRef r = refs.get(i);
                int label = values != null ? Math.toIntExact(values[i]) : byName.labelOf(r.locator());
                out.add(new SampleRef(r.id(), r.locator(), r.index(), label));
            }
            return out;
        }

        private long[] read(int expected) {
            Tensor t = Npy.read(Path.of(labelFile));
            if (t.rank() != 1 || t.dtype() == DType.FLOAT || t.dtype() == DType.DOUBLE) {
                throw new DataException("label file " + labelFile + " holds " + t + "; save a 1-D integer array "
                        + "(one label per sample)");
            }
            if (t.numel() != expected) {
                throw new DataException("label file " + labelFile + " has " + t.numel() + " labels but there are "
                        + expected + " samples; save one label per sample, in sample order");
            }
            return Tensors.toLongs(t);
        }
    }
}
