package dev.sparkptq.spark;

import dev.sparkptq.core.DataException;
import dev.sparkptq.core.Location;
import dev.sparkptq.data.DataSource;
import dev.sparkptq.data.FileSamples;
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;

/**
 * Sample files on any Hadoop file system ({@code hdfs://}, {@code s3a://} …) — images, NPY files, JSON arrays — read
 * by the executors through Spark's {@code binaryFile} source and decoded there by the reader's {@link FileSamples}
 * (same decoders, preprocessing, labels and sample ids as a local folder). The driver only lists the folder (names
 * and sizes; a JSON reader also counts each file's numbers to list its samples, as it does locally).
 *
 * <p>The dataset's partitions are Spark's file splits, sized here so that there are about {@code engine.num_partitions}
 * of them ({@code spark.sql.files.maxPartitionBytes} on a session of its own); each task decodes the wanted samples of
 * its partition's files as it takes them and hands them to {@link #load} on the same thread, as {@link DatasetSource}
 * does with table rows. Outside such a task (the driver's one-sample integer-kernel report, an accuracy-aware ranking
 * task on an executor) {@link #load} reads the one file directly through Hadoop.
 */
public final class BinaryFileSource implements DataSource, PartitionedSource {
    private static final long serialVersionUID = 1L;

    private final transient Dataset<Row> files;
    private final List<SampleRef> refs;
    private final FileSamples reader;
    private final String token = UUID.randomUUID().toString();

    private BinaryFileSource(Dataset<Row> files, List<SampleRef> refs, FileSamples reader) {
        this.files = files;
        this.refs = List.copyOf(refs);
        this.reader = reader;
    }

    /**
     * The sample files directly in {@code reader}'s folder that it accepts, about {@code partitions} Spark partitions
     * of them; every sample is listed (ids, labels) on the driver, before any job.
     *
     * @throws DataException when the folder holds no such file
     */
    public static BinaryFileSource of(SparkSession spark, FileSamples reader, int partitions) {
        Location folder = reader.folder();
        List<String> names = new ArrayList<>();
        long bytes = 0;
        for (Storage.Entry e : Storage.listFileEntries(folder)) {
            if (reader.accepts(e.name())) {
                names.add(e.name());
                bytes += e.length();
            }
        }
        if (names.isEmpty()) {
            throw new DataException("folder " + folder + " holds no " + reader.expected() + "; point the data source "
                    + "at a folder with data files");
        }
        List<SampleRef> refs = reader.refs(names);
        SparkSession session = spark.newSession();
        // about `partitions` splits: Spark packs files into partitions of at most maxPartitionBytes, each file also
        // costing openCostInBytes; listing stays on the driver (a listing job's results are not Kryo-registered)
        session.conf().set("spark.sql.files.maxPartitionBytes", Long.toString(Math.max(1, (bytes + partitions - 1)
                / Math.max(1, partitions))));
        session.conf().set("spark.sql.files.openCostInBytes", "0");
        session.conf().set("spark.sql.sources.parallelPartitionDiscovery.threshold", Integer.toString(
                Integer.MAX_VALUE));
        Dataset<Row> rows = session.read().format("binaryFile").option("recursiveFileLookup", "true")
                .load(names.size() == 1 ? folder.child(names.get(0)).toString() : folder.toString())
                .select("path", "content");
        return new BinaryFileSource(rows, refs, reader);
    }

    @Override
    public List<SampleRef> list() {
        return refs;
    }

    @Override
    public Sample load(SampleRef ref) {
        Sample s = SampleHandoff.take(token, ref.id().value());
        if (s != null) {
            return s;
        }
        Location file = reader.folder().child(ref.locator());
        try {
            return reader.decode(List.of(ref), Storage.readAllBytes(file), file.toString()).get(0);
        } catch (IOException e) {
            throw new DataException("cannot read sample file " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public JavaRDD<SampleRef> refs(List<SampleRef> wanted) {
        Map<String, List<SampleRef>> byFile = new HashMap<>();
        wanted.forEach(r -> byFile.computeIfAbsent(r.locator(), k -> new ArrayList<>()).add(r));
        String prefix = reader.folder().uri().getPath();
        return files.queryExecution().toRdd().toJavaRDD().mapPartitionsWithIndex(
                new DecodeFiles(reader, token, byFile, prefix.endsWith("/") ? prefix : prefix + "/"), true);
    }

    /** The task side of {@link #refs}: walks a partition's files, decoding and handing off the wanted samples. */
    static final class DecodeFiles implements Function2<Integer, Iterator<InternalRow>, Iterator<SampleRef>> {
        private static final long serialVersionUID = 1L;
        private final FileSamples reader;
        private final String token;
        private final Map<String, List<SampleRef>> wanted;
        private final String folderPath;

        DecodeFiles(FileSamples reader, String token, Map<String, List<SampleRef>> wanted, String folderPath) {
            this.reader = reader;
            this.token = token;
            this.wanted = wanted;
            this.folderPath = folderPath;
        }

        @Override
        public Iterator<SampleRef> call(Integer partition, Iterator<InternalRow> rows) {
            SampleHandoff.forgetWhenTaskEnds(token);
            return new Iterator<>() {
                private final ArrayDeque<SampleRef> next = new ArrayDeque<>();

                @Override
                public boolean hasNext() {
                    while (next.isEmpty() && rows.hasNext()) {
                        InternalRow r = rows.next();
                        String path = r.getUTF8String(0).toString();
                        List<SampleRef> refs = wantedRefs(path);
                        if (refs != null) {
                            List<Sample> samples = reader.decode(refs, r.getBinary(1), path);
                            for (int i = 0; i < refs.size(); i++) {
                                SampleHandoff.put(token, refs.get(i).id().value(), samples.get(i));
                            }
                            next.addAll(refs);
                        }
                    }
                    return !next.isEmpty();
                }

                @Override
                public SampleRef next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    return next.poll();
                }
            };
        }

        /** The wanted samples of a file directly in the folder (files in sub-folders are not the folder's). */
        private List<SampleRef> wantedRefs(String path) {
            String p = new org.apache.hadoop.fs.Path(path).toUri().getPath();
            if (!p.startsWith(folderPath) || p.indexOf('/', folderPath.length()) >= 0) {
                return null;
            }
            return wanted.get(p.substring(folderPath.length()));
        }
    }
}
