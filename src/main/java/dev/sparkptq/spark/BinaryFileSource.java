package dev.sparkptq.spark;

import dev.sparkptq.config.ImageReaderSpec;
import dev.sparkptq.core.DataException;
import dev.sparkptq.core.Location;
import dev.sparkptq.core.TensorInfo;
import dev.sparkptq.data.DataSource;
import dev.sparkptq.data.ImageDataSource;
import dev.sparkptq.data.Sample;
import dev.sparkptq.data.SampleRef;
import dev.sparkptq.storage.Storage;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;

/**
 * A folder of images on any Hadoop file system ({@code hdfs://}, {@code s3a://} …), read by the executors through
 * Spark's {@code binaryFile} source and decoded there by the image reader (same decoder, preprocessing, labels and
 * sample ids — the file names — as a local folder). The driver only lists the folder (names and sizes, no content).
 *
 * <p>The dataset's partitions are Spark's file splits, sized here so that there are about {@code engine.num_partitions}
 * of them ({@code spark.sql.files.maxPartitionBytes} on a session of its own); each task decodes the wanted files of
 * its partition as it takes them and hands them to {@link #load} on the same thread, as {@link DatasetSource} does
 * with table rows. Outside such a task (the driver's one-sample integer-kernel report, an accuracy-aware ranking task
 * on an executor) {@link #load} reads the one file directly through Hadoop.
 */
public final class BinaryFileSource implements DataSource, PartitionedSource {
    private static final long serialVersionUID = 1L;

    private final transient Dataset<Row> files;
    private final Location folder;
    private final List<String> names;
    private final ImageDataSource.Files reader;
    private final String token = UUID.randomUUID().toString();

    private BinaryFileSource(Dataset<Row> files, Location folder, List<String> names, ImageDataSource.Files reader) {
        this.files = files;
        this.folder = folder;
        this.names = List.copyOf(names);
        this.reader = reader;
    }

    /**
     * The images directly in {@code folder} (.jpg, .jpeg, .png in any case, as a local folder), about
     * {@code partitions} Spark partitions of them.
     *
     * @throws DataException when the folder does not exist, is a file, or holds no image
     */
    public static BinaryFileSource images(SparkSession spark, Location folder, ImageReaderSpec spec,
                                          List<TensorInfo> modelInputs, int partitions) {
        ImageDataSource.Files reader = ImageDataSource.files(spec, modelInputs);
        if (!Storage.isDirectory(folder)) {
            throw new DataException("data source " + folder + (Storage.exists(folder) ? " is not a folder"
                    : " does not exist") + "; point the data source at a folder of JPEG/PNG images");
        }
        List<String> names = new ArrayList<>();
        long bytes = 0;
        for (Storage.Entry e : Storage.listFileEntries(folder)) {
            if (reader.accepts(e.name())) {
                names.add(e.name());
                bytes += e.length();
            }
        }
        if (names.isEmpty()) {
            throw new DataException("folder " + folder + " holds no jpeg/jpg/png files; point the data source at a "
                    + "folder with data files");
        }
        names.forEach(reader::ref); // every label resolves on the driver, before any job
        SparkSession session = spark.newSession();
        // about `partitions` splits: Spark packs files into partitions of at most maxPartitionBytes, each file also
        // costing openCostInBytes; listing stays on the driver (a listing job's results are not Kryo-registered)
        session.conf().set("spark.sql.files.maxPartitionBytes", Long.toString(Math.max(1, (bytes + partitions - 1)
                / Math.max(1, partitions))));
        session.conf().set("spark.sql.files.openCostInBytes", "0");
        session.conf().set("spark.sql.sources.parallelPartitionDiscovery.threshold", Integer.toString(
                Integer.MAX_VALUE));
        Dataset<Row> rows = session.read().format("binaryFile").option("recursiveFileLookup", "true")
                .load(folder.toString()).select("path", "content");
        return new BinaryFileSource(rows, folder, names, reader);
    }

    @Override
    public List<SampleRef> list() {
        return names.stream().map(reader::ref).toList();
    }

    @Override
    public Sample load(SampleRef ref) {
        Sample s = SampleHandoff.take(token, ref.locator());
        if (s != null) {
            return s;
        }
        Location file = folder.child(ref.locator());
        try {
            return reader.decode(ref, Storage.readAllBytes(file), file.toString());
        } catch (IOException e) {
            throw new DataException("cannot read image " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public JavaRDD<SampleRef> refs(List<SampleRef> wanted) {
        Map<String, SampleRef> byName = new HashMap<>();
        wanted.forEach(r -> byName.put(r.locator(), r));
        String prefix = folder.uri().getPath();
        return files.queryExecution().toRdd().toJavaRDD().mapPartitionsWithIndex(
                new DecodeFiles(reader, token, byName, prefix.endsWith("/") ? prefix : prefix + "/"), true);
    }

    /** The task side of {@link #refs}: walks a partition's files, decoding and handing off the wanted ones. */
    static final class DecodeFiles implements Function2<Integer, Iterator<InternalRow>, Iterator<SampleRef>> {
        private static final long serialVersionUID = 1L;
        private final ImageDataSource.Files reader;
        private final String token;
        private final Map<String, SampleRef> wanted;
        private final String folderPath;

        DecodeFiles(ImageDataSource.Files reader, String token, Map<String, SampleRef> wanted, String folderPath) {
            this.reader = reader;
            this.token = token;
            this.wanted = wanted;
            this.folderPath = folderPath;
        }

        @Override
        public Iterator<SampleRef> call(Integer partition, Iterator<InternalRow> rows) {
            SampleHandoff.forgetWhenTaskEnds(token);
            return new Iterator<>() {
                private SampleRef next;

                @Override
                public boolean hasNext() {
                    while (next == null && rows.hasNext()) {
                        InternalRow r = rows.next();
                        String path = r.getUTF8String(0).toString();
                        SampleRef ref = wantedRef(path);
                        if (ref != null) {
                            SampleHandoff.put(token, ref.locator(), reader.decode(ref, r.getBinary(1), path));
                            next = ref;
                        }
                    }
                    return next != null;
                }

                @Override
                public SampleRef next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    SampleRef out = next;
                    next = null;
                    return out;
                }
            };
        }

        /** The wanted sample of a file directly in the folder (files in sub-folders are not the folder's). */
        private SampleRef wantedRef(String path) {
            String p = new org.apache.hadoop.fs.Path(path).toUri().getPath();
            if (!p.startsWith(folderPath) || p.indexOf('/', folderPath.length()) >= 0) {
                return null;
            }
            return wanted.get(p.substring(folderPath.length()));
        }
    }
}
