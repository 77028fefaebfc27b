package dev.sparkptq.runtime.ort;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.sparkptq.core.DataException;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.core.ModelException;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.core.TensorInfo;
import dev.sparkptq.runtime.InferenceEngine;
import dev.sparkptq.runtime.LatencyClock;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Collectors;

/**
 * One ORT session behind the {@link InferenceEngine} seam. Runs may be concurrent (ORT sessions are thread-safe);
 * a read-write lock keeps {@link #close} from freeing the native session under a run in flight, which would crash
 * the JVM rather than throw.
 *
 * <p>An engine the factory {@linkplain #park parked} to bound its cache has freed its native session but stays
 * usable: its runs go to whatever engine the factory holds for the same model and options now (re-opening one if
 * needed), so a task that kept a reference across the eviction still gets correct results. An engine closed by an
 * explicit {@code evict}/{@code closeAll} refuses further runs instead.
 */
public final class OrtInferenceEngine implements InferenceEngine {
    private final OrtEnvironment env;
    private final OrtSession session;
    private final List<TensorInfo> inputs;
    private final List<TensorInfo> outputs;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final Supplier<InferenceEngine> current;
    private boolean closed;
    private boolean parked;

    OrtInferenceEngine(OrtEnvironment env, OrtSession session, Supplier<InferenceEngine> current)
            throws OrtException {
        this.env = env;
        this.session = session;
        this.current = current;
        this.inputs = describe(session.getInputInfo());
        this.outputs = describe(session.getOutputInfo());
    }

    @Override
    public List<TensorInfo> inputs() {
        return inputs;
    }

    @Override
    public List<TensorInfo> outputs() {
        return outputs;
    }

    @Override
    public Map<String, Tensor> run(Map<String, Tensor> given, List<String> outputNames) {
        checkOutputNames(outputNames);
        lock.readLock().lock();
        try {
            if (parked) {
                InferenceEngine now = current.get();
                if (now != this) {
                    return now.run(given, outputNames);
                }
            }
            if (closed) {
                throw new InternalException("the ONNX Runtime session was closed (evicted) while still in use; "
                        + "open the engine again from the factory instead of keeping a reference across evictions");
            }
            return runOpen(given, outputNames);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Converts every input to a native tensor once, then times the runtime's own runs (outputs are released without
     * being copied back into Java arrays).
     */
    @Override
    public LatencyClock.Reading timePasses(List<Map<String, Tensor>> given, int passes) {
        lock.readLock().lock();
        try {
            if (parked || closed) {
                return InferenceEngine.super.timePasses(given, passes);
            }
            List<NativeInputs> natives = new ArrayList<>();
            try {
                for (Map<String, Tensor> in : given) {
                    natives.add(NativeInputs.of(env, in));
                }
                LatencyClock.Start start = LatencyClock.start();
                for (int p = 0; p < passes; p++) {
                    for (NativeInputs in : natives) {
                        session.run(in.tensors()).close();
                    }
                }
                return start.perSample((long) passes * given.size());
            } finally {
                natives.forEach(NativeInputs::close);
            }
        } catch (OrtException e) {
            throw new DataException("ONNX Runtime cannot run the model on these inputs: " + OrtMessages.oneLine(e)
                    + "; expected " + inputs, e);
        } finally {
            lock.readLock().unlock();
        }
    }

    private Map<String, Tensor> runOpen(Map<String, Tensor> given, List<String> outputNames) {
        try (NativeInputs in = NativeInputs.of(env, given);
             OrtSession.Result result = session.run(in.tensors(), new LinkedHashSet<>(outputNames))) {
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (String name : outputNames) {
                out.put(name, read(result, name));
            }
            return Collections.unmodifiableMap(out);
        } catch (OrtException e) {
            throw new DataException("ONNX Runtime cannot run the model on these inputs: " + OrtMessages.oneLine(e)
                    + "; given " + describeGiven(given) + ", expected " + inputs
                    + "; make the reader produce the expected input names, types and shapes", e);
        }
    }

    private static Tensor read(OrtSession.Result result, String name) {
        OnnxValue value = result.get(name).orElseThrow(() -> new InternalException(
                "ONNX Runtime returned no value for requested output '" + name + "'"));
        if (!(value instanceof OnnxTensor tensor)) {
            throw new ModelException("output '" + name + "' is a " + value.getType()
                    + ", not a tensor; spark-ptq reads tensor outputs only");
        }
        return TensorConversion.fromOnnx(name, tensor);
    }

    private void checkOutputNames(List<String> outputNames) {
        if (outputNames.isEmpty()) {
            throw new InternalException("run() was asked for no outputs; name at least one of " + names(outputs));
        }
        List<String> known = names(outputs);
        for (String name : outputNames) {
            if (!known.contains(name)) {
                throw new InternalException("unknown output '" + name + "'; the model's outputs are " + known);
            }
        }
    }

    /** Closes the native session; only the factory calls this (on evict/closeAll). Idempotent. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            parked = false;
            if (!closed) {
                closed = true;
                session.close();
            }
        } catch (OrtException e) {
            throw new InternalException("closing the ONNX Runtime session failed: " + OrtMessages.oneLine(e), e);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Frees the native session to bound the factory's cache, unless a run is in flight right now (then nothing
     * happens and false is returned, so the factory picks another engine). Later runs are delegated, see the class
     * comment.
     */
    boolean park() {
        if (!lock.writeLock().tryLock()) {
            return false;
        }
        try {
            if (!closed) {
                closed = true;
                parked = true;
                session.close();
            }
            return true;
        } catch (OrtException e) {
            throw new InternalException("closing the ONNX Runtime session failed: " + OrtMessages.oneLine(e), e);
        } finally {
            lock.writeLock().unlock();
        }
    }

    boolean isClosed() {
        lock.readLock().lock();
        try {
            return closed;
        } finally {
            lock.readLock().unlock();
        }
    }

    private static List<TensorInfo> describe(Map<String, NodeInfo> nodes) {
        List<TensorInfo> out = new ArrayList<>(nodes.size());
        for (NodeInfo node : nodes.values()) {
            if (!(node.getInfo() instanceof ai.onnxruntime.TensorInfo t)) {
                throw new ModelException("model input/output '" + node.getName() + "' is " + node.getInfo()
                        + ", not a tensor; spark-ptq handles tensor inputs and outputs only");
            }
            out.add(TensorConversion.info(node.getName(), t));
        }
        return List.copyOf(out);
    }

    private static String describeGiven(Map<String, Tensor> given) {
        return given.entrySet().stream()
                .map(e -> e.getKey() + ":" + e.getValue().dtype() + Arrays.toString(e.getValue().shape()))
                .collect(Collectors.joining(", ", "[", "]"));
    }

    private static List<String> names(List<TensorInfo> infos) {
        return infos.stream().map(TensorInfo::name).toList();
    }
}
