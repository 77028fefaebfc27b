package dev.sparkptq.api;

import dev.sparkptq.core.InternalException;
import dev.sparkptq.data.DataSource;
import dev.sparkptq.data.SampleRef;
import dev.sparkptq.pipeline.StatisticsBackend;
import dev.sparkptq.runtime.ort.OrtEngineFactory;
import dev.sparkptq.spark.DatasetSource;
import dev.sparkptq.spark.SparkBackend;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.sql.SparkSession;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;

/**
 * Runs slices as Spark tasks. The API's own tasks and results travel Java-serialized as bytes, so user classes
 * (a DataLoader, a Metric and its accumulator) need no Kryo registration whatever the session's serializer.
 */
final class SparkRunner implements Runner {
    private final SparkSession session;
    private final boolean owned;
    private final JavaSparkContext jsc;
    private final StatisticsBackend backend;

    SparkRunner(SparkSession session, boolean owned) {
        this.session = session;
        this.owned = owned;
        this.jsc = JavaSparkContext.fromSparkContext(session.sparkContext());
        this.backend = new SparkBackend(jsc, new OrtEngineFactory());
    }

    @Override
    public StatisticsBackend backend() {
        return backend;
    }

    @Override
    public <R extends Serializable> List<R> map(DataSource source, List<SampleRef> refs, int partitions,
                                                SliceTask<R> task) {
        List<byte[]> parts = DatasetSource.rdd(jsc, source, refs, partitions)
                .mapPartitionsWithIndex(new Slice<>(task), false).collect();
        List<Indexed> results = new ArrayList<>();
        parts.forEach(bytes -> results.add((Indexed) fromBytes(bytes)));
        results.sort(Comparator.comparingInt(Indexed::partition));
        List<R> out = new ArrayList<>();
        for (Indexed r : results) {
            @SuppressWarnings("unchecked")
            R value = (R) r.value();
            out.add(value);
        }
        return out;
    }

    @Override
    public void close() {
        if (owned) {
            session.stop();
        }
    }

    /** A slice's result with its partition number, so the driver merges in partition order. */
    record Indexed(int partition, Serializable value) implements Serializable {
    }

    /** The Spark function: runs the task on its partition and returns the Java-serialized result. */
    static final class Slice<R extends Serializable> implements Function2<Integer, Iterator<SampleRef>,
            Iterator<byte[]>> {
        private static final long serialVersionUID = 1L;
        private final SliceTask<R> task;

        Slice(SliceTask<R> task) {
            this.task = task;
        }

        @Override
        public Iterator<byte[]> call(Integer partition, Iterator<SampleRef> refs) {
            return List.of(toBytes(new Indexed(partition, task.apply(refs)))).iterator();
        }
    }

    static byte[] toBytes(Serializable value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (IOException e) {
            throw new InternalException("cannot serialize a slice result of " + value.getClass().getName() + ": "
                    + e.getMessage() + "; every field of a Metric's accumulator must be Serializable", e);
        }
        return bytes.toByteArray();
    }

    /** Reads a slice result, resolving classes (your Metric's accumulator) with the thread's context loader first. */
    static Object fromBytes(byte[] data) {
        try (ObjectInputStream in = new ContextLoaderInput(new ByteArrayInputStream(data))) {
            return in.readObject();
        } catch (IOException | ClassNotFoundException e) {
            throw new InternalException("cannot read a slice result: " + e.getMessage(), e);
        }
    }

    /** Under spark-submit, user classes live in the context class loader, not necessarily in this class's. */
    private static final class ContextLoaderInput extends ObjectInputStream {
        ContextLoaderInput(java.io.InputStream in) throws IOException {
            super(in);
        }

        @Override
        protected Class<?> resolveClass(java.io.ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            ClassLoader context = Thread.currentThread().getContextClassLoader();
            if (context != null) {
                try {
                    return Class.forName(desc.getName(), false, context);
                } catch (ClassNotFoundException e) {
                    // fall back to the default resolution (primitives, this class's loader)
                }
            }
            return super.resolveClass(desc);
        }
    }
}
