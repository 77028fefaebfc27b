package dev.sparkptq.graph;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.sparkptq.core.ModelException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Reads ONNX external data into {@code raw_data} so that a loaded model is self-contained, refusing any location that
 * points outside the model's folder (an ONNX file must not make spark-ptq read arbitrary files).
 */
final class ExternalData implements AutoCloseable {
    private final Path modelDir;
    private final Map<Path, FileChannel> open = new HashMap<>();

    private ExternalData(Path modelDirReal) {
        this.modelDir = modelDirReal;
    }

    /** The model with every external tensor (initializers, Constant values, subgraphs) read into memory. */
    static OnnxMl.ModelProto resolve(OnnxMl.ModelProto model, Path modelDirReal) {
        if (!hasExternal(model.getGraph())) {
            return model;
        }
        try (ExternalData reader = new ExternalData(modelDirReal)) {
            return model.toBuilder().setGraph(mapTensors(model.getGraph(), reader::read)).build();
        }
    }

    /** Applies {@code f} to every tensor of the graph: initializers and tensor attributes, recursively. */
    static OnnxMl.GraphProto mapTensors(OnnxMl.GraphProto g, UnaryOperator<OnnxMl.TensorProto> f) {
        OnnxMl.GraphProto.Builder b = g.toBuilder();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            b.setInitializer(i, f.apply(g.getInitializer(i)));
        }
        for (int i = 0; i < g.getNodeCount(); i++) {
            OnnxMl.NodeProto n = g.getNode(i);
            if (n.getAttributeList().stream().anyMatch(ExternalData::holdsTensors)) {
                b.setNode(i, mapNode(n, f));
            }
        }
        return b.build();
    }

    private static OnnxMl.NodeProto mapNode(OnnxMl.NodeProto n, UnaryOperator<OnnxMl.TensorProto> f) {
        OnnxMl.NodeProto.Builder nb = n.toBuilder();
        for (int j = 0; j < n.getAttributeCount(); j++) {
            OnnxMl.AttributeProto a = n.getAttribute(j);
            OnnxMl.AttributeProto.Builder ab = a.toBuilder();
            if (a.hasT()) {
                ab.setT(f.apply(a.getT()));
            }
            for (int k = 0; k < a.getTensorsCount(); k++) {
                ab.setTensors(k, f.apply(a.getTensors(k)));
            }
            if (a.hasG()) {
                ab.setG(mapTensors(a.getG(), f));
            }
            for (int k = 0; k < a.getGraphsCount(); k++) {
                ab.setGraphs(k, mapTensors(a.getGraphs(k), f));
            }
            nb.setAttribute(j, ab);
        }
        return nb.build();
    }

    private static boolean holdsTensors(OnnxMl.AttributeProto a) {
        return a.hasT() || a.getTensorsCount() > 0 || a.hasG() || a.getGraphsCount() > 0;
    }

    private static boolean hasExternal(OnnxMl.GraphProto g) {
        boolean[] found = {false};
        mapTensors(g, t -> {
            found[0] |= t.getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL;
            return t;
        });
        return found[0];
    }

    private OnnxMl.TensorProto read(OnnxMl.TensorProto t) {
        if (t.getDataLocation() != OnnxMl.TensorProto.DataLocation.EXTERNAL) {
            return t;
        }
        Map<String, String> kv = new HashMap<>();
        t.getExternalDataList().forEach(e -> kv.put(e.getKey(), e.getValue()));
        String location = kv.get("location");
        if (location == null || location.isEmpty()) {
            throw new ModelException("initializer '" + t.getName() + "' is marked as external data but has no "
                    + "location; re-export the model with its external data");
        }
        Path file = safePath(location, t.getName());
        long offset = number(kv.getOrDefault("offset", "0"), "offset", t);
        try {
            FileChannel ch = open.computeIfAbsent(file, ExternalData::openChannel);
            long length = kv.containsKey("length") ? number(kv.get("length"), "length", t) : ch.size() - offset;
            if (offset + length > ch.size() || length < 0) {
                throw new ModelException("external data file " + file + " has " + ch.size() + " bytes but initializer '"
                        + t.getName() + "' needs bytes " + offset + ".." + (offset + length)
                        + "; the file is truncated or belongs to another model");
            }
            if (length > Integer.MAX_VALUE - 8) {
                throw new ModelException("initializer '" + t.getName() + "' has " + length + " bytes; one tensor "
                        + "larger than 2 GB is not supported");
            }
            return t.toBuilder().clearExternalData().clearDataLocation().setRawData(readBytes(ch, offset, (int) length))
                    .build();
        } catch (IOException e) {
            throw new ModelException("cannot read external data file " + file + " of initializer '" + t.getName()
                    + "': " + e.getMessage(), e);
        }
    }

    /**
     * The confinement rule on the location's text alone, for any file system: relative, no scheme or drive, no
     * {@code ..} segment. Returns the location as a relative path.
     */
    static Path requireInside(String location, String tensor, String modelFolder) {
        String hint = "; keep external data files inside the model folder " + modelFolder;
        Path rel = Path.of(location);
        if (rel.isAbsolute() || location.startsWith("/") || location.startsWith("\\") || location.contains(":")) {
            throw new ModelException("external data location '" + location + "' of initializer '" + tensor
                    + "' is an absolute path" + hint);
        }
        for (Path part : rel) {
            if (part.toString().equals("..")) {
                throw new ModelException("external data location '" + location + "' of initializer '" + tensor
                        + "' escapes the model folder with '..'" + hint);
            }
        }
        return rel;
    }

    /** Every distinct external-data location of the model, each checked by {@link #requireInside}. */
    static java.util.List<String> locations(OnnxMl.ModelProto model, String modelFolder) {
        java.util.Set<String> out = new java.util.TreeSet<>();
        mapTensors(model.getGraph(), t -> {
            if (t.getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL) {
                t.getExternalDataList().stream().filter(e -> e.getKey().equals("location")).forEach(e -> {
                    requireInside(e.getValue(), t.getName(), modelFolder);
                    out.add(e.getValue());
                });
            }
            return t;
        });
        return java.util.List.copyOf(out);
    }

    private Path safePath(String location, String tensor) {
        String hint = "; keep external data files inside the model folder " + modelDir;
        Path rel = requireInside(location, tensor, modelDir.toString());
        Path file = modelDir.resolve(rel);
        if (!Files.isRegularFile(file)) {
            throw new ModelException("external data file '" + location + "' of initializer '" + tensor
                    + "' does not exist in " + modelDir + "; copy it next to the model");
        }
        try {
            Path real = file.toRealPath();
            if (!real.startsWith(modelDir)) {
                throw new ModelException("external data location '" + location + "' of initializer '" + tensor
                        + "' resolves to " + real + " outside the model folder (symbolic link)" + hint);
            }
            return real;
        } catch (IOException e) {
            throw new ModelException("cannot resolve external data file '" + location + "': " + e.getMessage(), e);
        }
    }

    private static long number(String text, String key, OnnxMl.TensorProto t) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new ModelException("external data " + key + " '" + text + "' of initializer '" + t.getName()
                    + "' is not a number; re-export the model", e);
        }
    }

    private static FileChannel openChannel(Path file) {
        try {
            return FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new ModelException("cannot open external data file " + file + ": " + e.getMessage(), e);
        }
    }

    private static ByteString readBytes(FileChannel ch, long offset, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            if (ch.read(buf, offset + buf.position()) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
        return UnsafeByteOperations.unsafeWrap(buf.array());
    }

    /** Writes zero bytes until {@code position} is a multiple of {@code alignment}; returns the new position. */
    static long pad(OutputStream out, long position, int alignment) throws IOException {
        long aligned = (position + alignment - 1) / alignment * alignment;
        for (long p = position; p < aligned; p++) {
            out.write(0);
        }
        return aligned;
    }

    @Override
    public void close() {
        for (FileChannel ch : open.values()) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // read-only channel: nothing to lose
            }
        }
    }
}
