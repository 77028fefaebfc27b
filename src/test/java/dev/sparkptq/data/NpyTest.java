package dev.sparkptq.data;

import dev.sparkptq.core.DType;
import dev.sparkptq.core.DataException;
import dev.sparkptq.core.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NpyTest {
    @TempDir
    Path dir;

    /** An NPY file assembled by hand, as numpy documents the format (independent of {@link Npy#write}). */
    private Path file(String name, int major, String dict, byte[] payload) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        byte[] text = (dict + "\n").getBytes(StandardCharsets.ISO_8859_1);
        if (major == 1) {
            out.write(new byte[] {(byte) text.length, (byte) (text.length >> 8)});
        } else {
            out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(text.length).array());
        }
        out.write(text);
        out.write(payload);
        Path p = dir.resolve(name);
        Files.write(p, out.toByteArray());
        return p;
    }

    private static byte[] floats(ByteOrder order, float... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(order);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    @Test
    void readsAVersionOneLittleEndianFloatFile() throws IOException {
        Path p = file("a.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
                floats(ByteOrder.LITTLE_ENDIAN, 1, 2, 3, 4, 5, 6.5f));
        Tensor t = Npy.read(p);
        assertEquals(DType.FLOAT, t.dtype());
        assertArrayEquals(new long[] {2, 3}, t.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6.5f}, t.floats());
    }

    @Test
    void readsVersionTwoHeadersAndBigEndianData() throws IOException {
        Path p = file("b.npy", 2, "{'descr': '>f4', 'fortran_order': False, 'shape': (3,), }",
                floats(ByteOrder.BIG_ENDIAN, -1, 0.25f, 7));
        assertArrayEquals(new float[] {-1, 0.25f, 7}, Npy.read(p).floats());
    }

    @Test
    void readsNativeOrderAndNoOrderOneByteTypes() throws IOException {
        Path n = file("n.npy", 1, "{'descr': '=i4', 'fortran_order': False, 'shape': (2,), }",
                ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putInt(-5).putInt(9).array());
        assertArrayEquals(new int[] {-5, 9}, Npy.read(n).ints());
        Path u = file("u.npy", 1, "{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }",
                new byte[] {(byte) 255, 3});
        Tensor t = Npy.read(u);
        assertEquals(DType.UINT8, t.dtype());
        assertArrayEquals(new float[] {255, 3}, t.toFloats());
        Path b = file("b.npy", 1, "{'descr': '|b1', 'fortran_order': False, 'shape': (), }", new byte[] {1});
        assertEquals(DType.BOOL, Npy.read(b).dtype());
        assertEquals(0, Npy.read(b).rank());
    }

    @Test
    void fortranOrderIsRefusedWithTheFix() throws IOException {
        Path p = file("f.npy", 1, "{'descr': '<f4', 'fortran_order': True, 'shape': (1, 2), }",
                floats(ByteOrder.LITTLE_ENDIAN, 1, 2));
        DataException e = assertThrows(DataException.class, () -> Npy.read(p));
        assertTrue(e.getMessage().contains("Fortran order") && e.getMessage().contains("f.npy"), e.getMessage());
    }

    @Test
    void noByteOrderOnMultiByteTypeAndUnsupportedDtypesAreRefused() throws IOException {
        Path p = file("p.npy", 1, "{'descr': '|f4', 'fortran_order': False, 'shape': (1,), }",
                floats(ByteOrder.LITTLE_ENDIAN, 1));
        assertThrows(DataException.class, () -> Npy.read(p));
        Path c = file("c.npy", 1, "{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", new byte[8]);
        DataException e = assertThrows(DataException.class, () -> Npy.read(c));
        assertTrue(e.getMessage().contains("<c8"), e.getMessage());
    }

    @Test
    void truncatedFileAndBadMagicAreRefused() throws IOException {
        Path t = file("t.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }",
                floats(ByteOrder.LITTLE_ENDIAN, 1, 2));
        assertTrue(assertThrows(DataException.class, () -> Npy.read(t)).getMessage().contains("truncated"));
        Path m = dir.resolve("m.npy");
        Files.writeString(m, "hello, not numpy at all");
        assertTrue(assertThrows(DataException.class, () -> Npy.read(m)).getMessage().contains("not an NPY file"));
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void writeThenReadRoundTripsEveryType(DType type) {
        long[] shape = {2, 3};
        Tensor t = switch (type) {
            case FLOAT -> Tensor.ofFloats(shape, new float[] {1.5f, -2, 3, 4, 5, Float.MAX_VALUE});
            case DOUBLE -> Tensor.ofDoubles(shape, new double[] {1e-300, -2, 3, 4, 5, Math.PI});
            case INT64 -> Tensor.ofLongs(shape, new long[] {Long.MIN_VALUE, -1, 0, 1, 2, Long.MAX_VALUE});
            case INT32 -> Tensor.ofInts(shape, new int[] {Integer.MIN_VALUE, -1, 0, 1, 2, 7});
            case INT16, UINT16 -> Tensor.ofShorts(type, shape, new short[] {-32768, -1, 0, 1, 2, 32767});
            case INT8, UINT8 -> Tensor.ofBytes(type, shape, new byte[] {-128, -1, 0, 1, 2, 127});
            case BOOL -> Tensor.ofBytes(type, shape, new byte[] {0, 1, 1, 0, 0, 1});
        };
        Path p = dir.resolve(type + ".npy");
        Npy.write(p, t);
        Tensor back = Npy.read(p);
        assertEquals(type, back.dtype());
        assertArrayEquals(shape, back.shape());
        assertEquals(java.util.Arrays.toString(t.toFloats()), java.util.Arrays.toString(back.toFloats()));
    }

    @Test
    void writtenHeaderFollowsTheNumpyLayout() throws IOException {
        Path p = dir.resolve("w.npy");
        Npy.write(p, Tensor.ofFloats(new long[] {3}, new float[] {1, 2, 3}));
        byte[] bytes = Files.readAllBytes(p);
        assertEquals((byte) 0x93, bytes[0]);
        assertEquals("NUMPY", new String(bytes, 1, 5, StandardCharsets.US_ASCII));
        assertEquals(1, bytes[6]);
        int len = (bytes[8] & 0xFF) | (bytes[9] & 0xFF) << 8;
        String header = new String(bytes, 10, len, StandardCharsets.US_ASCII);
        assertEquals(0, (10 + len) % 64, "data must start on a 64-byte boundary");
        assertTrue(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"), header);
        assertTrue(header.endsWith("\n"));
        assertEquals(10 + len + 12, bytes.length);
    }

    @Test
    void readsSingleRowsOfABatchedFileThroughTheMappedCache() throws IOException {
        float[] all = new float[5 * 2 * 3];
        for (int i = 0; i < all.length; i++) {
            all[i] = i * 0.5f;
        }
        Path p = file("batch.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (5, 2, 3), }",
                floats(ByteOrder.LITTLE_ENDIAN, all));
        Tensor row = Npy.readRow(p, 3);
        assertArrayEquals(new long[] {2, 3}, row.shape());
        assertArrayEquals(java.util.Arrays.copyOfRange(all, 18, 24), row.floats());
        assertTrue(assertThrows(DataException.class, () -> Npy.readRow(p, 5)).getMessage().contains("row 5"));
        assertArrayEquals(new long[] {5, 2, 3}, Npy.header(p).shape());
    }
}
