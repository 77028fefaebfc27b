package dev.sparkptq.data;

import dev.sparkptq.core.Location;

import java.io.Serializable;
import java.util.List;

/**
 * A reader of sample files kept on another file system, split between the driver and the executors: the driver
 * lists the files (names and sizes) and turns their names into sample refs; Spark's {@code binaryFile} source brings
 * each file's bytes to an executor, where {@link #decode} makes the samples. Sample ids, labels and numerics are those
 * of the same folder read locally by the reader's {@link DataSource}.
 *
 * <p>Why not the local sources on a copied folder: the data must not pass through the driver, and executors of a
 * cluster cannot open the driver's paths.
 */
public interface FileSamples extends Serializable {
    /** The folder whose files Spark reads (recursion is not wanted: only files directly in it are samples). */
    Location folder();

    /** Whether the file {@code name} of {@link #folder} holds samples (by extension, as locally). */
    boolean accepts(String name);

    /** What the folder should hold, for the message when it holds none of it (e.g. "jpeg/jpg/png files"). */
    String expected();

    /**
     * The samples of the accepted files, in the order a local folder lists them (on the driver: names only, except
     * for readers that must count the samples inside each file).
     *
     * @param names the accepted file names, sorted
     */
    List<SampleRef> refs(List<String> names);

    /**
     * The wanted samples of one file, from its bytes (on an executor).
     *
     * @param wanted the refs whose locator is this file, in list order
     * @param where  the file, for messages
     */
    List<Sample> decode(List<SampleRef> wanted, byte[] content, String where);
}
