package dev.sparkptq.cli;

import dev.sparkptq.core.BadSampleException;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.DataException;
import dev.sparkptq.core.TensorInfo;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The reader quick mode infers from the data and the model's inputs, as a new user's model and folder come:
 * <ul>
 *   <li>images (the most common extension among .jpg/.jpeg/.png/.npy/.json decides) feed a model with one rank-4
 *   input: the channel axis is the one holding 1, 3 or 4 (NCHW when both could; 1 = luma, 4 = RGB plus a constant
 *   1 channel); a fixed size is resized to; a dynamic height and width are taken from the first image (in name
 *   order): its size shrunk to at most {@value #DYNAMIC_MAX_SIDE} on the longer side and rounded to a multiple of
 *   {@value #DYNAMIC_MULTIPLE} (the stride of common backbones), and every image is letterboxed into that size —
 *   one size for all samples, because statistics such as bias correction's need equal tensor shapes; with one side
 *   fixed, images are resized to a square of that side; values x/255;</li>
 *   <li>NPY files, one per sample; for a model with several inputs, one sub-folder per input named like the input
 *   (characters other than letters, digits, '.', '_' and '-' replaced by '_'), files of the same name forming one
 *   sample;</li>
 *   <li>JSON arrays ({@code {"data": [...]}}), one input; a single .npy file is a batch; a text file is tokenized.</li>
 * </ul>
 * What cannot be inferred is refused with the input names and how to give their data.
 */
final class QuickReader {
    static final int DYNAMIC_MAX_SIDE = 640;
    static final int DYNAMIC_MULTIPLE = 32;
    private static final Set<String> IMAGES = Set.of("jpg", "jpeg", "png");
    private static final Set<String> KNOWN = Set.of("jpg", "jpeg", "png", "npy", "json");

    private QuickReader() {
    }

    /** The reader JSON for a folder (or .npy file) of data feeding {@code inputs}; text files are the caller's. */
    static String infer(List<TensorInfo> inputs, Path data) {
        if (Files.isRegularFile(data)) {
            requireOneInput(inputs, "a single .npy file");
            return "{\"type\": \"npy\", \"batch_axis\": true}";
        }
        if (inputs.size() > 1) {
            return multiInput(inputs, data);
        }
        String kind = dominantExtension(data);
        if (IMAGES.contains(kind)) {
            return image(inputs.get(0), data);
        }
        return switch (kind) {
            case "npy" -> "{\"type\": \"npy\"}";
            case "json" -> "{\"type\": \"json\"}";
            default -> throw new ConfigException("cannot tell the data format of " + data + " (no .jpg, .png, "
                    + ".npy or .json files); give --config with an engine.reader");
        };
    }

    /** An NPY reader mapping each input to its sub-folder, or the refusal naming every input. */
    private static String multiInput(List<TensorInfo> inputs, Path data) {
        Map<String, String> folders = new LinkedHashMap<>();
        for (TensorInfo in : inputs) {
            for (String candidate : List.of(in.name(), folderName(in.name()))) {
                if (!folders.containsKey(in.name()) && Files.isDirectory(data.resolve(candidate))) {
                    folders.put(in.name(), candidate);
                }
            }
        }
        if (folders.size() == inputs.size()) {
            return folders.entrySet().stream().map(e -> "\"" + json(e.getKey()) + "\": \"" + json(e.getValue())
                    + "\"").collect(Collectors.joining(", ", "{\"type\": \"npy\", \"inputs\": {", "}}"));
        }
        throw new DataException("the model has " + inputs.size() + " inputs " + describe(inputs) + " and quick mode "
                + "feeds each from NPY files: give --data-source a folder with one sub-folder per input ("
                + inputs.stream().map(i -> folderName(i.name()) + "/").collect(Collectors.joining(", "))
                + "), each holding one .npy per sample, files of the same name forming one sample (e.g. "
                + folderName(inputs.get(0).name()) + "/0001.npy); " + (folders.isEmpty() ? "" : "missing: "
                + inputs.stream().filter(i -> !folders.containsKey(i.name())).map(i -> folderName(i.name()) + "/")
                .collect(Collectors.joining(", ")) + "; ") + "or give --config with an npy reader mapping 'inputs'");
    }

    private static void requireOneInput(List<TensorInfo> inputs, String what) {
        if (inputs.size() != 1) {
            throw new DataException("the model has " + inputs.size() + " inputs " + describe(inputs) + " but "
                    + what + " feeds one; give a folder with one sub-folder of .npy files per input");
        }
    }

    /** The image reader for one input, or why images cannot feed it. */
    private static String image(TensorInfo input, Path folder) {
        long[] s = input.shape();
        if (s == null || s.length != 4) {
            throw new DataException("model input " + describe(List.of(input)) + " is not an image tensor (rank 4, "
                    + "NCHW or NHWC), so images cannot feed it; give the data as .npy files (one per sample)");
        }
        Boolean nchw = nchw(s);
        if (nchw == null) {
            throw new ConfigException("model input " + describe(List.of(input)) + " has no axis of 1, 3 or 4 "
                    + "channels at position 1 (NCHW) or 3 (NHWC), so quick mode cannot lay out images; give --config "
                    + "with an image reader's 'layout' and 'resize'");
        }
        long h = nchw ? s[2] : s[1];
        long w = nchw ? s[3] : s[2];
        String geometry;
        if (h > 0 && w > 0) {
            geometry = "\"resize\": [" + h + ", " + w + "]";
        } else if (h <= 0 && w <= 0) {
            int[] hw = dynamicSize(firstImage(folder));
            geometry = "\"letterbox\": [" + hw[0] + ", " + hw[1] + "]";
        } else {
            long side = Math.max(h, w);
            geometry = "\"resize\": [" + side + ", " + side + "]";
        }
        return "{\"type\": \"image\", " + geometry + ", \"scale\": 255, \"layout\": \"" + (nchw ? "NCHW" : "NHWC")
                + "\"}";
    }

    /**
     * The size a dynamic image input gets from an image of {@code size} (width, height): shrunk to at most
     * {@value #DYNAMIC_MAX_SIDE} on the longer side (aspect kept, never enlarged), each side rounded to the nearest
     * multiple of {@value #DYNAMIC_MULTIPLE} (half to even, at least one multiple), as PaddleOCR's detector sizes its
     * input; returns {height, width}.
     */
    static int[] dynamicSize(int[] size) {
        double r = Math.min(1.0, (double) DYNAMIC_MAX_SIDE / Math.max(size[0], size[1]));
        int w = (int) (size[0] * r);
        int h = (int) (size[1] * r);
        return new int[] {round(h), round(w)};
    }

    private static int round(int side) {
        return Math.max(DYNAMIC_MULTIPLE, (int) Math.rint((double) side / DYNAMIC_MULTIPLE) * DYNAMIC_MULTIPLE);
    }

    /** Width and height of the first image of the folder (in name order), read from its header only. */
    private static int[] firstImage(Path folder) {
        Path first;
        try (Stream<Path> files = Files.list(folder)) {
            first = files.filter(p -> IMAGES.contains(extension(p))).sorted().findFirst().orElseThrow();
        } catch (IOException e) {
            throw new ConfigException("cannot list " + folder + ": " + e.getMessage());
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(first.toFile())) {
            java.util.Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new BadSampleException("image " + first + " is not a JPEG or PNG file; quick mode sizes a "
                        + "dynamic image input from the first image: replace or remove it");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return new int[] {reader.getWidth(0), reader.getHeight(0)};
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new BadSampleException("cannot read the size of image " + first + " (" + e.getMessage() + "); "
                    + "quick mode sizes a dynamic image input from the first image: replace or remove it", e);
        }
    }

    private static String extension(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.contains(".") ? n.substring(n.lastIndexOf('.') + 1) : "";
    }

    /**
     * Whether a rank-4 image input is NCHW (true) or NHWC (false), or null when neither axis 1 nor axis 3 can hold
     * the channels: the axis with 1, 3 or 4 wins (3 when both do, NCHW on a tie), else a dynamic one.
     */
    static Boolean nchw(long[] s) {
        boolean first = channels(s[1]);
        boolean last = channels(s[3]);
        if (first && last) {
            return !(s[3] == 3 && s[1] != 3);
        }
        if (first || last) {
            return first;
        }
        if (s[1] < 0) {
            return true;
        }
        return s[3] < 0 ? Boolean.FALSE : null;
    }

    private static boolean channels(long dim) {
        return dim == 1 || dim == 3 || dim == 4;
    }

    /** The sub-folder name of an input: its name with characters a folder name may not hold replaced by '_'. */
    static String folderName(String input) {
        return input.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    static String describe(List<TensorInfo> inputs) {
        return inputs.stream().map(i -> "'" + i.name() + "' " + i.dtype() + Arrays.toString(i.shape()))
                .collect(Collectors.joining(", "));
    }

    /** The most common known extension among the folder's files (ties: the alphabetically first). */
    static String dominantExtension(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            Map<String, Long> counts = new TreeMap<>(files.filter(Files::isRegularFile)
                    .map(p -> p.getFileName().toString().toLowerCase(Locale.ROOT))
                    .filter(n -> n.contains(".")).map(n -> n.substring(n.lastIndexOf('.') + 1))
                    .filter(KNOWN::contains).collect(Collectors.groupingBy(e -> e, Collectors.counting())));
            return counts.entrySet().stream().max(Map.Entry.<String, Long>comparingByValue()
                    .thenComparing(Map.Entry.comparingByKey(java.util.Comparator.reverseOrder())))
                    .map(Map.Entry::getKey).orElse("");
        } catch (IOException e) {
            throw new ConfigException("cannot list " + dir + ": " + e.getMessage());
        }
    }

    static String json(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
