package dev.sparkptq.data;

import dev.sparkptq.config.LabelSpec;
import dev.sparkptq.core.DataException;
import dev.sparkptq.core.Location;
import dev.sparkptq.storage.Storage;

import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Labels from file names ({@link LabelSpec.Source#FILENAME_PREFIX}): the part of the name before the separator (the
 * whole name without extension when there is no separator), looked up in an index file read once at creation, or
 * parsed as an integer. Serializable: it keeps the index as a small map, not the path.
 */
final class FilenameLabels implements Serializable {
    private static final long serialVersionUID = 1L;
    static final String DEFAULT_SEPARATOR = "_";

    private final String separator;
    /** prefix → class index, or null to parse the prefix as an integer. */
    private final Map<String, Integer> index;
    private final String indexFile;

    private FilenameLabels(String separator, Map<String, Integer> index, String indexFile) {
        this.separator = separator;
        this.index = index;
        this.indexFile = indexFile;
    }

    /** Reads the index file of {@code spec} (one class name per line, class index = 0-based line number). */
    static FilenameLabels of(LabelSpec spec) {
        String sep = spec.separator() == null || spec.separator().isEmpty() ? DEFAULT_SEPARATOR : spec.separator();
        Location file = spec.indexFile();
        if (file == null) {
            return new FilenameLabels(sep, null, null);
        }
        if (!Storage.isFile(file)) {
            throw new DataException("label index file " + file + " does not exist; point 'labels.indexFile' at a "
                    + "text file with one class name per line");
        }
        try {
            // strict UTF-8 (malformed bytes are an error, as Files.readAllLines makes them), wherever the file is
            List<String> lines = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Storage.readAllBytes(
                    file))).toString().lines().toList();
            Map<String, Integer> map = new HashMap<>();
            for (int i = 0; i < lines.size(); i++) {
                String name = lines.get(i).trim();
                if (!name.isEmpty()) {
                    map.putIfAbsent(name, i);
                }
            }
            return new FilenameLabels(sep, map, file.toString());
        } catch (IOException e) {
            throw new DataException("cannot read label index file " + file + ": " + e.getMessage()
                    + "; check that it is readable UTF-8 text", e);
        }
    }

    /** The label of {@code fileName}. */
    int labelOf(String fileName) {
        String prefix = prefix(fileName);
        if (index != null) {
            Integer label = index.get(prefix);
            if (label == null) {
                throw new DataException("label prefix '" + prefix + "' of file " + fileName + " is not listed in "
                        + indexFile + "; add it there or rename the file (prefix = text before '" + separator
                        + "')");
            }
            return label;
        }
        try {
            return Integer.parseInt(prefix);
        } catch (NumberFormatException e) {
            throw new DataException("label prefix '" + prefix + "' of file " + fileName + " is not an integer; "
                    + "name files '<class>" + separator + "...' or set 'labels.indexFile'", e);
        }
    }

    private String prefix(String fileName) {
        int cut = fileName.indexOf(separator);
        if (cut >= 0) {
            return fileName.substring(0, cut);
        }
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) : fileName;
    }
}
