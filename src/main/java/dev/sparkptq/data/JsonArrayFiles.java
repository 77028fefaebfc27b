package dev.sparkptq.data;

import dev.sparkptq.core.DataException;
import dev.sparkptq.core.Location;
import dev.sparkptq.storage.Storage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * JSON array files on another file system ({@link FileSamples}): the same sample ids ({@code <file>#<k>}), labels and
 * values as {@link JsonArrayDataSource} on a local folder or file. To list the ids the driver streams each file once
 * and counts its numbers, as it does locally (a file's sample count is in no metadata); the executors parse the
 * numbers from the bytes Spark's {@code binaryFile} source brings them, each file once for all its wanted samples.
 */
final class JsonArrayFiles implements FileSamples {
    private static final long serialVersionUID = 1L;

    private final Location folder;
    /** The one file read when the data source is a file, null for a folder. */
    private final String only;
    private final JsonArrayDataSource reader;

    JsonArrayFiles(Location folder, String only, JsonArrayDataSource reader) {
        this.folder = folder;
        this.only = only;
        this.reader = reader;
    }

    @Override
    public Location folder() {
        return folder;
    }

    @Override
    public boolean accepts(String name) {
        return only == null ? SourceFiles.extension(name).equals("json") : name.equals(only);
    }

    @Override
    public String expected() {
        return only == null ? "json files" : only;
    }

    @Override
    public List<SampleRef> refs(List<String> names) {
        List<SampleRef> refs = new ArrayList<>();
        for (String name : names) {
            Location file = folder.child(name);
            long count;
            try {
                count = JsonArrays.count(Storage.open(file), file.toString(), reader.key());
            } catch (IOException e) {
                throw new DataException("cannot read JSON file " + file + ": " + e.getMessage() + "; check that it "
                        + "is readable", e);
            }
            refs.addAll(reader.refsOf(name, count, file.toString()));
        }
        return refs;
    }

    @Override
    public List<Sample> decode(List<SampleRef> wanted, byte[] content, String where) {
        float[] all = JsonArrays.floats(content, where, reader.key());
        return wanted.stream().map(ref -> reader.sample(ref, all)).toList();
    }

}
