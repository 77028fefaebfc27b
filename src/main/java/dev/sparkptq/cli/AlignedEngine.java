package dev.sparkptq.cli;

import dev.sparkptq.core.Tensor;
import dev.sparkptq.core.TensorInfo;
import dev.sparkptq.runtime.InferenceEngine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A model seen through a reference model's input and output names, so that one family's exports can be compared
 * on the same samples although they differ in naming: the model is fed only the inputs it declares (one export may
 * lack {@code token_type_ids}), and an output is matched by name, else by position (all-MiniLM-L6-v2's FP32 export
 * calls its token embeddings {@code output_0}, the ORT-dynamic {@code -q} export {@code last_hidden_state}).
 * Reference outputs the model has no counterpart for are absent from {@link #outputs()}.
 */
final class AlignedEngine implements InferenceEngine {
    private final InferenceEngine engine;
    /** reference output name → this model's output name, in the reference's order */
    private final Map<String, String> toOwn;
    private final List<TensorInfo> outputs;

    private AlignedEngine(InferenceEngine engine, Map<String, String> toOwn, List<TensorInfo> outputs) {
        this.engine = engine;
        this.toOwn = toOwn;
        this.outputs = outputs;
    }

    static AlignedEngine align(InferenceEngine engine, List<TensorInfo> reference) {
        List<TensorInfo> own = engine.outputs();
        Set<String> ownNames = own.stream().map(TensorInfo::name).collect(Collectors.toSet());
        Set<String> refNames = reference.stream().map(TensorInfo::name).collect(Collectors.toSet());
        Map<String, String> toOwn = new LinkedHashMap<>();
        List<TensorInfo> outputs = new ArrayList<>();
        for (int i = 0; i < reference.size(); i++) {
            TensorInfo ref = reference.get(i);
            TensorInfo match = null;
            if (ownNames.contains(ref.name())) {
                match = own.stream().filter(o -> o.name().equals(ref.name())).findFirst().orElseThrow();
            } else if (i < own.size() && !refNames.contains(own.get(i).name())) {
                match = own.get(i);
            }
            if (match != null) {
                toOwn.put(ref.name(), match.name());
                outputs.add(new TensorInfo(ref.name(), match.dtype(), match.shape()));
            }
        }
        return new AlignedEngine(engine, toOwn, List.copyOf(outputs));
    }

    /** The outputs matched under another name: reference name → this model's name. */
    Map<String, String> renamed() {
        Map<String, String> out = new LinkedHashMap<>();
        toOwn.forEach((ref, own) -> {
            if (!ref.equals(own)) {
                out.put(ref, own);
            }
        });
        return out;
    }

    @Override
    public List<TensorInfo> inputs() {
        return engine.inputs();
    }

    /** The matched outputs, under the reference's names. */
    @Override
    public List<TensorInfo> outputs() {
        return outputs;
    }

    /** Timing is the wrapped engine's: renaming outputs costs nothing at run time. */
    @Override
    public dev.sparkptq.runtime.LatencyClock.Reading timePasses(List<Map<String, Tensor>> inputs, int passes) {
        return engine.timePasses(inputs, passes);
    }

    @Override
    public Map<String, Tensor> run(Map<String, Tensor> inputs, List<String> outputNames) {
        Map<String, Tensor> feeds = new HashMap<>();
        for (TensorInfo in : engine.inputs()) {
            Tensor t = inputs.get(in.name());
            if (t != null) {
                feeds.put(in.name(), t);
            }
        }
        List<String> own = outputNames.stream().map(n -> toOwn.getOrDefault(n, n)).toList();
        Map<String, Tensor> result = engine.run(feeds, own);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < outputNames.size(); i++) {
            out.put(outputNames.get(i), result.get(own.get(i)));
        }
        return out;
    }

    @Override
    public void close() {
        engine.close();
    }
}
