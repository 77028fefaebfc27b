package dev.sparkptq.data;

import dev.sparkptq.config.ImageReaderSpec;
import dev.sparkptq.config.ImageReaderSpec.ColorOrder;
import dev.sparkptq.config.ImageReaderSpec.Layout;
import dev.sparkptq.config.LabelSpec;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.DataException;
import dev.sparkptq.core.Location;
import dev.sparkptq.core.SampleId;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.core.TensorInfo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A folder of {@code .jpg/.jpeg/.png} images (case-insensitive), one sample per file in file-name order; the sample id
 * is the file name. See {@link ImagePreprocessor} for the preprocessing and {@link PilResize} for the resizing.
 */
public final class ImageDataSource implements DataSource {
    private static final long serialVersionUID = 1L;
    static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png");

    private final String folder;
    /** The spec without its labels (LabelSpec holds Paths, which do not serialize). */
    private final ImageReaderSpec spec;
    private final TensorInfo input;
    private final FilenameLabels labels;
    /** Channels of the model input: 1 (luma), 3 (colour) or 4 (colour + constant alpha). */
    private final int channels;

    private ImageDataSource(String folder, ImageReaderSpec spec, TensorInfo input, FilenameLabels labels,
                            int channels) {
        this.folder = folder;
        this.spec = spec;
        this.input = input;
        this.labels = labels;
        this.channels = channels;
    }

    static ImageDataSource create(ImageReaderSpec spec, Path source, List<TensorInfo> modelInputs) {
        SourceFiles.requireFolder(source, "a folder of JPEG/PNG images");
        return of(source.toAbsolutePath().toString(), spec, modelInputs);
    }

    /** The reader of {@code folder} (null: files read elsewhere), checked against the model before any image. */
    private static ImageDataSource of(String folder, ImageReaderSpec spec, List<TensorInfo> modelInputs) {
        TensorInfo input = checkedInput(spec, modelInputs);
        ImageReaderSpec clean = normalized(spec);
        int channels = channels(input, clean.layout());
        checkOutputSize(clean, input, channels);
        LabelSpec ls = spec.labels();
        FilenameLabels labels = ls == null ? null : FilenameLabels.of(ls);
        return new ImageDataSource(folder, clean, input, labels, channels);
    }

    /** The model input the images feed, checked against the spec before any image is read. */
    private static TensorInfo checkedInput(ImageReaderSpec spec, List<TensorInfo> modelInputs) {
        TensorInfo input = ModelInputs.resolve(spec.input(), modelInputs, "image reader");
        if (input.dtype() != null && input.dtype() != DType.FLOAT) {
            throw new DataException("model input '" + input.name() + "' wants " + input.dtype() + " but the image "
                    + "reader produces FLOAT tensors; use an NPY reader for pre-converted data");
        }
        LabelSpec ls = spec.labels();
        if (ls != null && ls.from() != LabelSpec.Source.FILENAME_PREFIX) {
            throw new ConfigException("image reader labels must come from FILENAME_PREFIX, not " + ls.from()
                    + "; name the image files '<class>_...'");
        }
        return input;
    }

    /**
     * The model input's channel count at the layout's channel axis: 1, 3 or 4 (3 when unknown or dynamic).
     *
     * @throws DataException for any other count (the layout is wrong, or the input is not an image)
     */
    static int channels(TensorInfo input, Layout layout) {
        long[] shape = input.shape();
        if (shape == null || shape.length != 4) {
            return 3; // the shape check names the mismatch
        }
        int axis = layout == Layout.NHWC ? 3 : 1;
        long c = shape[axis];
        if (c < 0 || c == 3) {
            return 3;
        }
        if (c == 1 || c == 4) {
            return (int) c;
        }
        throw new DataException("model input '" + input.name() + "' " + Arrays.toString(shape) + " has " + c
                + " channels at axis " + axis + " for layout " + layout + "; the image reader makes 1 (luma), 3 "
                + "(colour) or 4 (colour + alpha) channels: check the reader's 'layout', or give the data as NPY");
    }

    /** Checks combinations and fills unset enums; drops the labels. */
    private static ImageReaderSpec normalized(ImageReaderSpec s) {
        if (s.letterbox() != null && (s.resize() != null || s.centerCrop() != null || s.resizeShorter() > 0)) {
            throw new ConfigException("image reader: 'letterbox' cannot be combined with 'resize', 'resizeShorter' "
                    + "or 'centerCrop'; keep one geometry");
        }
        if (s.resize() != null && s.resizeShorter() > 0) {
            throw new ConfigException("image reader: set either 'resize' or 'resizeShorter', not both");
        }
        requirePair(s.letterbox(), "letterbox");
        requirePair(s.resize(), "resize");
        requirePair(s.centerCrop(), "centerCrop");
        requireTriple(s.mean(), "mean");
        requireTriple(s.std(), "std");
        if (!(s.scale() > 0)) {
            throw new ConfigException("image reader: 'scale' is " + s.scale() + "; use a positive divisor (1 keeps "
                    + "0-255 values, 255 maps to 0-1)");
        }
        ColorOrder color = s.color() == null ? ColorOrder.RGB : s.color();
        Layout layout = s.layout() == null ? Layout.NCHW : s.layout();
        return new ImageReaderSpec(s.input(), s.resizeShorter(), s.centerCrop(), s.resize(), s.letterbox(),
                s.letterboxFill(), s.scale(), s.mean(), s.std(), color, layout, null, s.alpha());
    }

    private static void requirePair(int[] hw, String key) {
        if (hw != null && (hw.length != 2 || hw[0] <= 0 || hw[1] <= 0)) {
            throw new ConfigException("image reader: '" + key + "' is " + Arrays.toString(hw) + "; give "
                    + "[height, width] with positive values");
        }
    }

    private static void requireTriple(float[] v, String key) {
        if (v != null && v.length != 3) {
            throw new ConfigException("image reader: '" + key + "' has " + v.length + " values; give one per "
                    + "channel (3)");
        }
    }

    /** When the spec fixes the output size, compare it with the model input before reading any image. */
    private static void checkOutputSize(ImageReaderSpec s, TensorInfo input, int channels) {
        int[] hw = s.letterbox() != null ? s.letterbox() : s.centerCrop() != null ? s.centerCrop() : s.resize();
        long[] want = input.shape();
        if (hw == null || want == null) {
            return;
        }
        long[] got = s.layout() == Layout.NHWC ? new long[] {1, hw[0], hw[1], channels}
                : new long[] {1, channels, hw[0], hw[1]};
        ModelInputs.checkShape(new SampleId("(every image)"), got, input);
    }

    @Override
    public List<SampleRef> list() {
        List<String> names = SourceFiles.list(Path.of(folder), EXTENSIONS);
        List<SampleRef> refs = new ArrayList<>(names.size());
        for (String name : names) {
            Integer label = labels == null ? null : labels.labelOf(name);
            refs.add(new SampleRef(new SampleId(name), name, 0, label));
        }
        return refs;
    }

    @Override
    public Sample load(SampleRef ref) {
        return sample(ref, ImageDecoder.decode(Path.of(folder).resolve(ref.locator())));
    }

    private Sample sample(SampleRef ref, RgbImage img) {
        Tensor t = ImagePreprocessor.apply(img, spec, channels);
        ModelInputs.checkShape(ref.id(), t, input);
        return new Sample(ref.id(), Map.of(input.name(), t), ref.label());
    }

    /**
     * The images of {@code folder} on another file system, read by Spark's {@code binaryFile} source: the same
     * preprocessing, labels and sample ids (the file name) as a local folder, from the file's bytes. Nothing is read
     * here; {@link Files#decode} runs where the bytes are.
     */
    public static Files files(Location folder, ImageReaderSpec spec, List<TensorInfo> modelInputs) {
        return new Files(folder, of(null, spec, modelInputs));
    }

    /** Image files by name and content: what a folder's listing and Spark's binaryFile rows give. */
    public static final class Files implements FileSamples {
        private static final long serialVersionUID = 1L;
        private final Location folder;
        private final ImageDataSource reader;

        private Files(Location folder, ImageDataSource reader) {
            this.folder = folder;
            this.reader = reader;
        }

        @Override
        public Location folder() {
            return folder;
        }

        /** Whether the file name is one the image reader reads (.jpg, .jpeg, .png, any case). */
        @Override
        public boolean accepts(String name) {
            return EXTENSIONS.contains(SourceFiles.extension(name));
        }

        @Override
        public String expected() {
            return "jpeg/jpg/png files";
        }

        /** One sample per file: its id is the name, its label from the name (resolved here, on the driver). */
        @Override
        public List<SampleRef> refs(List<String> names) {
            return names.stream().map(n -> new SampleRef(new SampleId(n), n, 0, reader.labels == null ? null
                    : reader.labels.labelOf(n))).toList();
        }

        /** Decodes and preprocesses the file's bytes. */
        @Override
        public List<Sample> decode(List<SampleRef> wanted, byte[] content, String where) {
            RgbImage img = ImageDecoder.decode(content, where);
            return wanted.stream().map(ref -> reader.sample(ref, img)).toList();
        }
    }
}
