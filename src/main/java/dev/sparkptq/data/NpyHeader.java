package dev.sparkptq.data;

import dev.sparkptq.core.DType;
import dev.sparkptq.core.BadSampleException;
import dev.sparkptq.core.DataException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The header of an NPY file (format versions 1–3): element type, byte order, C-order shape and where the data starts.
 *
 * @param dataOffset byte offset of the first element
 */
public record NpyHeader(DType dtype, ByteOrder order, long[] shape, long dataOffset) {
    /**
     * Bytes read at a position, as {@link java.nio.channels.FileChannel#read(ByteBuffer, long)} reads them: a local
     * file, or the bytes of a file read elsewhere (Spark's {@code binaryFile} rows).
     */
    interface Positional {
        /** Reads into {@code dst} from byte {@code position}; the count read, -1 at the end. */
        int read(ByteBuffer dst, long position) throws IOException;

        /** The bytes of a whole file held in memory. */
        static Positional of(byte[] content) {
            return (dst, position) -> {
                if (position >= content.length) {
                    return -1;
                }
                int n = (int) Math.min(dst.remaining(), content.length - position);
                dst.put(content, (int) position, n);
                return n;
            };
        }
    }

    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("['\"]descr['\"]\\s*:\\s*['\"]([^'\"]*)['\"]");
    private static final Pattern FORTRAN = Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");

    public NpyHeader {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public long numel() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Reads and validates the header at the start of {@code ch}. */
    static NpyHeader read(Positional ch, String file) throws IOException {
        ByteBuffer pre = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, pre, 0, file);
        for (int i = 0; i < MAGIC.length; i++) {
            if (pre.get(i) != MAGIC[i]) {
                throw new BadSampleException("file " + file + " is not an NPY file (bad magic); save arrays with "
                        + "numpy.save");
            }
        }
        int major = pre.get(6);
        long len;
        long start;
        if (major == 1) {
            len = pre.getShort(8) & 0xFFFF;
            start = 10;
        } else if (major == 2 || major == 3) {
            len = pre.getInt(8) & 0xFFFFFFFFL;
            start = 12;
        } else {
            throw new DataException("NPY file " + file + " has format version " + major + "; only versions 1-3 "
                    + "are supported, re-save it with numpy.save");
        }
        ByteBuffer text = ByteBuffer.allocate(Math.toIntExact(len));
        readFully(ch, text, start, file);
        String dict = new String(text.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        return parse(dict, start + len, file);
    }

    static NpyHeader parse(String dict, long dataOffset, String file) {
        Matcher descr = DESCR.matcher(dict);
        Matcher fortran = FORTRAN.matcher(dict);
        Matcher shape = SHAPE.matcher(dict);
        if (!descr.find() || !fortran.find() || !shape.find()) {
            throw new BadSampleException("NPY file " + file + " has a header numpy did not write or a structured "
                    + "dtype: "
                    + dict.trim() + "; save a plain numeric array with numpy.save");
        }
        if (fortran.group(1).equals("True")) {
            throw new DataException("NPY file " + file + " is in Fortran order; save it in C order "
                    + "(numpy.save(f, numpy.ascontiguousarray(a)))");
        }
        String d = descr.group(1);
        return new NpyHeader(dtypeOf(d, file), orderOf(d, file), dims(shape.group(1), file), dataOffset);
    }

    private static DType dtypeOf(String descr, String file) {
        DType t = descr.length() < 2 ? null : switch (descr.substring(1)) {
            case "f4" -> DType.FLOAT;
            case "f8" -> DType.DOUBLE;
            case "i8" -> DType.INT64;
            case "i4" -> DType.INT32;
            case "i2" -> DType.INT16;
            case "u2" -> DType.UINT16;
            case "i1" -> DType.INT8;
            case "u1" -> DType.UINT8;
            case "b1" -> DType.BOOL;
            default -> null;
        };
        if (t == null) {
            throw new DataException("NPY file " + file + " has dtype '" + descr + "'; supported: <f4 <f8 <i8 <i4 "
                    + "<i2 <u2 |i1 |u1 |b1, convert with a.astype(...)");
        }
        return t;
    }

    private static ByteOrder orderOf(String descr, String file) {
        char c = descr.charAt(0);
        boolean oneByte = descr.endsWith("1");
        return switch (c) {
            case '<' -> ByteOrder.LITTLE_ENDIAN;
            case '>' -> ByteOrder.BIG_ENDIAN;
            case '=' -> ByteOrder.nativeOrder();
            case '|' -> {
                if (!oneByte) {
                    throw new DataException("NPY file " + file + " has dtype '" + descr + "': '|' (no byte order) "
                            + "is only valid for 1-byte types; re-save it with numpy.save");
                }
                yield ByteOrder.LITTLE_ENDIAN;
            }
            default -> throw new DataException("NPY file " + file + " has dtype '" + descr + "' with unknown byte "
                    + "order '" + c + "'; re-save it with numpy.save");
        };
    }

    private static long[] dims(String tuple, String file) {
        String[] parts = Arrays.stream(tuple.split(",")).map(String::trim).filter(p -> !p.isEmpty())
                .toArray(String[]::new);
        long[] out = new long[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) {
                out[i] = Long.parseLong(parts[i].endsWith("L") ? parts[i].substring(0, parts[i].length() - 1)
                        : parts[i]);
            }
        } catch (NumberFormatException e) {
            throw new BadSampleException("NPY file " + file + " has a malformed shape (" + tuple + "); re-save it with "
                    + "numpy.save", e);
        }
        return out;
    }

    static void readFully(Positional ch, ByteBuffer buf, long position, String file) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new BadSampleException("NPY file " + file + " is truncated at byte " + pos + "; re-save it");
            }
            pos += n;
        }
    }

    /** The header text numpy would write (version 1), padded so the data starts on a 64-byte boundary. */
    static byte[] encode(String descr, long[] shape) {
        StringBuilder tuple = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            tuple.append(i > 0 ? ", " : "").append(shape[i]);
        }
        tuple.append(shape.length == 1 ? ",)" : ")");
        StringBuilder dict = new StringBuilder("{'descr': '" + descr + "', 'fortran_order': False, 'shape': "
                + tuple + ", }");
        int total = MAGIC.length + 4 + dict.length() + 1;
        dict.append(" ".repeat((64 - total % 64) % 64)).append('\n');
        byte[] text = dict.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 4 + text.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) text.length).put(text);
        return out.array();
    }
}
