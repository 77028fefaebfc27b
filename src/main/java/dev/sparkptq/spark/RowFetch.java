package dev.sparkptq.spark;

import dev.sparkptq.core.DataException;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.data.Sample;
import dev.sparkptq.data.SampleRef;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.catalyst.InternalRow;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * {@link DatasetSource#load} on the driver (one sample for {@code Engine.infer} or the integer-kernel report): a job
 * on the row's partition alone decodes that row where the partition is computed and brings back only it.
 */
final class RowFetch {
    private RowFetch() {
    }

    /** Row {@code row} of partition {@code partition} of {@code rows}, decoded as {@code ref}'s sample. */
    static Sample fetch(JavaRDD<InternalRow> rows, RowColumns columns, SampleRef ref, int partition, long row) {
        List<byte[]>[] parts = rows.mapPartitions(new PickRow(columns, ref, row), true)
                .collectPartitions(new int[] {partition});
        Decoded d = (Decoded) fromBytes(parts[0].get(0));
        return new Sample(ref.id(), d.inputs(), d.label(), d.target());
    }

    /** The one decoded row the driver asked for, Java-serialized (Spark's Kryo needs no registration for bytes). */
    static final class PickRow implements FlatMapFunction<Iterator<InternalRow>, byte[]> {
        private static final long serialVersionUID = 1L;
        private final RowColumns columns;
        private final SampleRef ref;
        private final long row;

        PickRow(RowColumns columns, SampleRef ref, long row) {
            this.columns = columns;
            this.ref = ref;
            this.row = row;
        }

        @Override
        public Iterator<byte[]> call(Iterator<InternalRow> rows) {
            for (long i = 0; rows.hasNext(); i++) {
                InternalRow r = rows.next();
                if (i == row) {
                    Sample s = RowDecoder.decode(columns, r, ref.id(), ref.locator());
                    return List.of(toBytes(new Decoded(new HashMap<>(s.inputs()), s.label(), s.target())))
                            .iterator();
                }
            }
            throw new DataException("the dataset no longer has " + ref.locator() + " (it was recomputed "
                    + "differently); persist() the dataset and seed any sampling");
        }
    }

    /** A decoded sample's contents without its id, for the trip back to the driver. */
    record Decoded(Map<String, Tensor> inputs, Integer label, Double target) implements Serializable {
    }

    private static byte[] toBytes(Serializable value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (IOException e) {
            throw new InternalException("cannot serialize a decoded dataset row: " + e.getMessage(), e);
        }
        return bytes.toByteArray();
    }

    private static Object fromBytes(byte[] data) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(data))) {
            return in.readObject();
        } catch (IOException | ClassNotFoundException e) {
            throw new InternalException("cannot read a decoded dataset row: " + e.getMessage(), e);
        }
    }
}
