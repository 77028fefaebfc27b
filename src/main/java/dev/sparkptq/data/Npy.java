package dev.sparkptq.data;

import dev.sparkptq.core.DType;
import dev.sparkptq.core.BadSampleException;
import dev.sparkptq.core.DataException;
import dev.sparkptq.core.Tensor;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Reading and writing NPY files ({@code numpy.save} format, C order). {@link #readRow} reads one sample of a batched
 * file through {@link NpyMapCache} without loading the rest.
 */
public final class Npy {
    private static final int CHUNK = 1 << 20;

    private Npy() {
    }

    /** The header of {@code file} (cheap: reads only the first bytes). */
    public static NpyHeader header(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return NpyHeader.read(ch::read, file.toString());
        } catch (IOException e) {
            throw new BadSampleException("cannot read NPY file " + file + ": " + e + "; check that it exists and is "
                    + "readable", e);
        }
    }

    /** The whole array in {@code file}. */
    public static Tensor read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(ch::read, ch.size(), file.toString());
        } catch (IOException e) {
            throw new BadSampleException("cannot read NPY file " + file + ": " + e + "; check that it exists and is "
                    + "readable", e);
        }
    }

    /**
     * The whole array of an NPY file read elsewhere (Spark's {@code binaryFile} rows): the same checks and decoding
     * as {@link #read(Path)}.
     *
     * @param where the file, for messages
     */
    public static Tensor read(byte[] content, String where) {
        try {
            return read(NpyHeader.Positional.of(content), content.length, where);
        } catch (IOException e) {
            throw new BadSampleException("cannot read NPY file " + where + ": " + e + "; re-save it", e);
        }
    }

    private static Tensor read(NpyHeader.Positional ch, long size, String file) throws IOException {
        NpyHeader h = NpyHeader.read(ch, file);
        long n = h.numel();
        requireSize(size, h, n, file);
        if (n > Integer.MAX_VALUE - 8) {
            throw new DataException("NPY file " + file + " holds " + n + " elements, too many for one tensor; "
                    + "split it or use a batched layout");
        }
        Object data = newArray(h.dtype(), (int) n);
        ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(h.order());
        int width = h.dtype().bytes();
        long pos = h.dataOffset();
        int done = 0;
        while (done < n) {
            int count = (int) Math.min(n - done, CHUNK / width);
            buf.clear().limit(count * width);
            NpyHeader.readFully(ch, buf, pos, file);
            buf.flip();
            decode(buf, h.dtype(), data, done, count);
            done += count;
            pos += (long) count * width;
        }
        return Tensor.of(h.dtype(), h.shape(), data);
    }

    /**
     * Row {@code row} of a batched file (the sub-array at index {@code row} of the first axis), read from a
     * memory-mapped view cached per JVM.
     */
    public static Tensor readRow(Path file, long row) {
        return NpyMapCache.get(file).row(row);
    }

    /** Writes {@code t} as a version 1 little-endian NPY file. */
    public static void write(Path file, Tensor t) {
        String descr = switch (t.dtype()) {
            case FLOAT -> "<f4";
            case DOUBLE -> "<f8";
            case INT64 -> "<i8";
            case INT32 -> "<i4";
            case INT16 -> "<i2";
            case UINT16 -> "<u2";
            case INT8 -> "|i1";
            case UINT8 -> "|u1";
            case BOOL -> "|b1";
        };
        int n = (int) t.numel();
        ByteBuffer buf = ByteBuffer.allocate(n * t.dtype().bytes()).order(ByteOrder.LITTLE_ENDIAN);
        switch (t.dtype()) {
            case FLOAT -> buf.asFloatBuffer().put(t.floats());
            case DOUBLE -> buf.asDoubleBuffer().put(t.doubles());
            case INT64 -> buf.asLongBuffer().put(t.longs());
            case INT32 -> buf.asIntBuffer().put(t.ints());
            case INT16, UINT16 -> buf.asShortBuffer().put(t.shorts());
            case INT8, UINT8, BOOL -> buf.put(t.bytes());
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(NpyHeader.encode(descr, t.shape()));
            out.write(buf.array());
        } catch (IOException e) {
            throw new DataException("cannot write NPY file " + file + ": " + e + "; check the folder is writable",
                    e);
        }
    }

    static void requireSize(long fileSize, NpyHeader h, long numel, String file) {
        long need = h.dataOffset() + numel * h.dtype().bytes();
        if (fileSize < need) {
            throw new BadSampleException("NPY file " + file + " is truncated: shape " + Arrays.toString(h.shape())
                    + " needs " + need + " bytes but the file has " + fileSize + "; re-save it");
        }
    }

    /** A primitive array of {@code n} elements of {@code t}'s Java type (shared by every raw-bytes reader). */
    public static Object newArray(DType t, int n) {
        return switch (t) {
            case FLOAT -> new float[n];
            case DOUBLE -> new double[n];
            case INT64 -> new long[n];
            case INT32 -> new int[n];
            case INT16, UINT16 -> new short[n];
            case INT8, UINT8, BOOL -> new byte[n];
        };
    }

    /** Decodes {@code count} elements from {@code buf} (already in the file's byte order) into {@code data[at...]}. */
    public static void decode(ByteBuffer buf, DType t, Object data, int at, int count) {
        switch (t) {
            case FLOAT -> buf.asFloatBuffer().get((float[]) data, at, count);
            case DOUBLE -> buf.asDoubleBuffer().get((double[]) data, at, count);
            case INT64 -> buf.asLongBuffer().get((long[]) data, at, count);
            case INT32 -> buf.asIntBuffer().get((int[]) data, at, count);
            case INT16, UINT16 -> buf.asShortBuffer().get((short[]) data, at, count);
            case INT8, UINT8, BOOL -> buf.get((byte[]) data, at, count);
        }
    }
}
