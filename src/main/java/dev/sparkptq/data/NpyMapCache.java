package dev.sparkptq.data;

import dev.sparkptq.core.DataException;
import dev.sparkptq.core.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-JVM cache of memory-mapped batched NPY files, so executors read single rows without loading (or re-opening)
 * whole files. A file is mapped in segments of whole rows of at most 1 GiB each (one mapping cannot exceed 2 GiB).
 * Entries are keyed by path, size and modification time, so a rewritten file is mapped afresh.
 */
final class NpyMapCache {
    private static final long SEGMENT_BYTES = 1L << 30;
    private static final ConcurrentHashMap<String, Mapped> CACHE = new ConcurrentHashMap<>();

    private NpyMapCache() {
    }

    /** One mapped file. Reads use absolute positions on duplicates, so concurrent readers never interfere. */
    static final class Mapped {
        private final Path file;
        private final NpyHeader header;
        private final long[] rowShape;
        private final int rowElements;
        private final long rowsPerSegment;
        private final List<MappedByteBuffer> segments;

        private Mapped(Path file, NpyHeader header, long[] rowShape, int rowElements, long rowsPerSegment,
                       List<MappedByteBuffer> segments) {
            this.file = file;
            this.header = header;
            this.rowShape = rowShape;
            this.rowElements = rowElements;
            this.rowsPerSegment = rowsPerSegment;
            this.segments = segments;
        }

        NpyHeader header() {
            return header;
        }

        Tensor row(long row) {
            long rows = header.shape()[0];
            if (row < 0 || row >= rows) {
                throw new DataException("row " + row + " is outside NPY file " + file + " with " + rows + " rows; "
                        + "the file changed since the samples were listed");
            }
            int rowBytes = rowElements * header.dtype().bytes();
            ByteBuffer seg = segments.get((int) (row / rowsPerSegment)).duplicate();
            int offset = (int) ((row % rowsPerSegment) * rowBytes);
            seg.position(offset).limit(offset + rowBytes);
            ByteBuffer slice = seg.slice().order(header.order());
            Object data = Npy.newArray(header.dtype(), rowElements);
            Npy.decode(slice, header.dtype(), data, 0, rowElements);
            return Tensor.of(header.dtype(), rowShape, data);
        }
    }

    static Mapped get(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        String key;
        try {
            key = abs + "|" + Files.size(abs) + "|" + Files.getLastModifiedTime(abs).toMillis();
        } catch (IOException e) {
            throw new DataException("cannot read NPY file " + abs + ": " + e + "; check that it exists", e);
        }
        return CACHE.computeIfAbsent(key, k -> map(abs));
    }

    /** Drops every mapping (the OS unmaps them when collected); for tests and long-lived drivers. */
    static void clear() {
        CACHE.clear();
    }

    private static Mapped map(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            NpyHeader h = NpyHeader.read(ch::read, file.toString());
            long[] shape = h.shape();
            if (shape.length == 0) {
                throw new DataException("NPY file " + file + " holds a scalar, not a batch of samples; save an "
                        + "array whose first axis indexes samples");
            }
            long[] rowShape = Arrays.copyOfRange(shape, 1, shape.length);
            int rowElements = Math.toIntExact(Tensor.numel(rowShape));
            Npy.requireSize(ch.size(), h, h.numel(), file.toString());
            long rowBytes = (long) rowElements * h.dtype().bytes();
            long rowsPerSegment = Math.max(1, SEGMENT_BYTES / Math.max(rowBytes, 1));
            List<MappedByteBuffer> segments = new ArrayList<>();
            for (long first = 0; first < shape[0]; first += rowsPerSegment) {
                long count = Math.min(rowsPerSegment, shape[0] - first);
                segments.add(ch.map(FileChannel.MapMode.READ_ONLY, h.dataOffset() + first * rowBytes,
                        count * rowBytes));
            }
            return new Mapped(file, h, rowShape, rowElements, rowsPerSegment, segments);
        } catch (IOException e) {
            throw new DataException("cannot map NPY file " + file + ": " + e + "; check that it is readable", e);
        }
    }
}
