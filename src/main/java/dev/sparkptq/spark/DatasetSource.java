package dev.sparkptq.spark;

import dev.sparkptq.core.DataException;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.core.SampleId;
import dev.sparkptq.core.TensorInfo;
import dev.sparkptq.data.DataSource;
import dev.sparkptq.data.Sample;
import dev.sparkptq.data.SampleRef;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.UUID;

/**
 * Samples that live in a Spark {@code Dataset<Row>} (one row per sample, columns as {@link RowColumns} describes)
 * and stay there: executors decode their own partitions' rows, the driver only ever sees row counts.
 *
 * <p>Sample ids are the rows' global positions (partition by partition), zero-padded as the Java API's DataLoader
 * ids are, so a dataset and a DataLoader holding the same samples in the same order list the same refs. The
 * statistics and evaluation workers are the DataLoader path's: {@link #rdd} gives them an RDD of refs with the
 * dataset's own partitioning instead of {@code parallelize(refs)}; while a task iterates it, each wanted row is
 * decoded and handed to {@link #load} on the same task thread (workers load every ref right after taking it, so at
 * most a batch of samples is held). A pass over a subset ({@code stat_subset_size}) reads each partition only up to
 * its last selected row, and a partition without one not at all. {@link #load} on the driver (one sample for the
 * integer-kernel report or {@code Engine.infer}) runs a job on that row's partition and brings back that one
 * decoded sample ({@link RowFetch}).
 *
 * <p>The dataset is recomputed by every pass over it: it must give the same rows in the same partitions each time
 * ({@code persist()} it, and seed any sampling); a partition whose row count changed between passes fails the task.
 */
public final class DatasetSource implements DataSource, PartitionedSource {
    private static final long serialVersionUID = 1L;

    private final transient Dataset<Row> rows;
    private final RowColumns columns;
    private final long[] counts;
    private final String token = UUID.randomUUID().toString();

    private DatasetSource(Dataset<Row> rows, RowColumns columns, long[] counts) {
        this.rows = rows;
        this.columns = columns;
        this.counts = counts;
    }

    /**
     * The samples of {@code rows} for a model with {@code modelInputs}: checks the columns against the schema
     * (driver, no job), then counts the rows of each partition (one job; nothing but counts reaches the driver).
     *
     * @param annotationColumn the annotation's column; {@code null} uses {@code label} when present, {@code ""} none
     * @throws dev.sparkptq.core.ConfigException naming a missing or mistyped column
     */
    public static DatasetSource of(Dataset<Row> rows, List<TensorInfo> modelInputs, String annotationColumn) {
        RowColumns columns = RowColumns.of(rows.schema(), modelInputs, annotationColumn);
        org.apache.spark.SparkContext sc = rows.sparkSession().sparkContext();
        sc.setJobDescription("counting the dataset's rows per partition");
        List<Long> counts;
        try {
            counts = internal(rows).mapPartitions(new CountRows()).collect();
        } finally {
            sc.setJobDescription(null);
        }
        return new DatasetSource(rows, columns, counts.stream().mapToLong(Long::longValue).toArray());
    }

    /** How many partitions the dataset has: one Spark task each. */
    public int partitions() {
        return counts.length;
    }

    /**
     * The RDD a backend runs its per-partition work over: for a {@link DatasetSource} the dataset's rows restricted to
     * {@code refs}, in the dataset's partitions; for any other source {@code refs} in {@code partitions} slices.
     */
    public static JavaRDD<SampleRef> rdd(JavaSparkContext jsc, DataSource source, List<SampleRef> refs,
                                         int partitions) {
        return source instanceof PartitionedSource d ? d.refs(refs) : jsc.parallelize(refs, partitions);
    }

    @Override
    public List<SampleRef> list() {
        long total = Arrays.stream(counts).sum();
        if (total == 0) {
            throw new DataException("the dataset has no rows; give it at least one sample");
        }
        int width = width(total);
        List<SampleRef> refs = new ArrayList<>();
        long global = 0;
        for (int p = 0; p < counts.length; p++) {
            for (long r = 0; r < counts[p]; r++, global++) {
                refs.add(ref(width, global, p, r));
            }
        }
        return refs;
    }

    @Override
    public Sample load(SampleRef ref) {
        Sample s = SampleHandoff.take(token, ref.id().value());
        if (s != null) {
            return s;
        }
        if (rows == null) {
            throw new InternalException("sample " + ref.id() + " was not read from its dataset row before loading; "
                    + "dataset samples load only inside the task that iterates their partition");
        }
        return fetch(ref);
    }

    /** The dataset's rows as refs, only those of {@code wanted}, decoding each for {@link #load} as it is taken. */
    @Override
    public JavaRDD<SampleRef> refs(List<SampleRef> wanted) {
        long[] offsets = offsets();
        long total = Arrays.stream(counts).sum();
        BitSet keep = null;
        if (wanted.size() != total) {
            keep = new BitSet();
            for (SampleRef ref : wanted) {
                keep.set(Math.toIntExact(ref.index()));
            }
        }
        return internal(rows).mapPartitionsWithIndex(
                new DecodeRows(columns, token, counts, offsets, keep, width(total)), true);
    }

    /** Driver side: finds the referenced row's partition from its global position and fetches it from there. */
    private Sample fetch(SampleRef ref) {
        long[] offsets = offsets();
        int partition = 0;
        while (ref.index() >= offsets[partition] + counts[partition]) {
            partition++;
        }
        return RowFetch.fetch(internal(rows), columns, ref, partition, ref.index() - offsets[partition]);
    }

    /** Each partition's first row's global position. */
    private long[] offsets() {
        long[] offsets = new long[counts.length];
        for (int p = 1; p < counts.length; p++) {
            offsets[p] = offsets[p - 1] + counts[p - 1];
        }
        return offsets;
    }

    /** Digits of the largest sample id among {@code total} rows: ids are zero-padded to it. */
    private static int width(long total) {
        return Long.toString(Math.max(0, total - 1)).length();
    }

    /**
     * The dataset's rows in Spark SQL's internal form, partitioned as {@code javaRDD()} would be (that is this RDD
     * plus a conversion that boxes every array element).
     */
    private static JavaRDD<InternalRow> internal(Dataset<Row> rows) {
        return rows.queryExecution().toRdd().toJavaRDD();
    }

    private static SampleRef ref(int width, long global, int partition, long row) {
        String id = String.format("%0" + width + "d", global);
        return new SampleRef(new SampleId(id), "row " + row + " of partition " + partition, global, null);
    }

    /** One row per partition count, in partition order. */
    static final class CountRows implements FlatMapFunction<Iterator<InternalRow>, Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public Iterator<Long> call(Iterator<InternalRow> it) {
            long n = 0;
            for (; it.hasNext(); it.next()) {
                n++;
            }
            return List.of(n).iterator();
        }
    }

    /** The task side of {@link #refs}: walks a partition's rows, decoding and handing off the wanted ones. */
    static final class DecodeRows implements Function2<Integer, Iterator<InternalRow>, Iterator<SampleRef>> {
        private static final long serialVersionUID = 1L;
        private final RowColumns columns;
        private final String token;
        private final long[] counts;
        private final long[] offsets;
        private final BitSet keep;
        private final int width;

        DecodeRows(RowColumns columns, String token, long[] counts, long[] offsets, BitSet keep, int width) {
            this.columns = columns;
            this.token = token;
            this.counts = counts;
            this.offsets = offsets;
            this.keep = keep;
            this.width = width;
        }

        @Override
        public Iterator<SampleRef> call(Integer partition, Iterator<InternalRow> rows) {
            SampleHandoff.forgetWhenTaskEnds(token);
            return new PartitionRows(this, partition, rows, end(partition));
        }

        /**
         * How many of the partition's rows to read: all of them without a subset (so a changed count is caught),
         * else up to its last wanted row — a partition without wanted rows is not read at all.
         */
        private long end(int partition) {
            if (keep == null || counts[partition] == 0) {
                return counts[partition];
            }
            int last = keep.previousSetBit(Math.toIntExact(offsets[partition] + counts[partition] - 1));
            return last < offsets[partition] ? 0 : last - offsets[partition] + 1;
        }
    }

    /** A partition's wanted rows as refs, each decoded and handed off to {@link #load} as it is taken. */
    private static final class PartitionRows implements Iterator<SampleRef> {
        private final DecodeRows job;
        private final int partition;
        private final Iterator<InternalRow> rows;
        private final long end;
        private long row;
        private SampleRef next;

        PartitionRows(DecodeRows job, int partition, Iterator<InternalRow> rows, long end) {
            this.job = job;
            this.partition = partition;
            this.rows = rows;
            this.end = end;
        }

        @Override
        public boolean hasNext() {
            while (next == null && row < end && rows.hasNext()) {
                InternalRow r = rows.next();
                long global = job.offsets[partition] + row;
                if (job.keep == null || job.keep.get(Math.toIntExact(global))) {
                    next = ref(job.width, global, partition, row);
                    SampleHandoff.put(job.token, next.id().value(),
                            RowDecoder.decode(job.columns, r, next.id(), next.locator()));
                }
                row++;
            }
            boolean fullScan = end == job.counts[partition];
            if (next == null && (row < end || fullScan && rows.hasNext())) {
                throw changed();
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

        private DataException changed() {
            SampleHandoff.forget(job.token);
            return new DataException("partition " + partition + " of the dataset no longer has "
                    + job.counts[partition] + " rows (it was recomputed differently); persist() the dataset and seed "
                    + "any sampling");
        }
    }
}
