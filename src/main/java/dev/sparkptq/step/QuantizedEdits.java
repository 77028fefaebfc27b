package dev.sparkptq.step;

import dev.sparkptq.graph.edit.GraphEdit;

import java.util.List;

/**
 * A model-state section: graph edits a step applied to the quantized model after the Q/DQ rewrite (kernel choice's
 * dynamic MatMuls and int8 embedding tables). A model rebuilt from a sub-plan of the state's plan (the speed guard's
 * placement, an accuracy-aware candidate) repeats them, so it differs from the written model only in the quantizers
 * it leaves out.
 *
 * @param edits the edits, in the order they were applied
 */
public record QuantizedEdits(List<GraphEdit> edits) {
    public QuantizedEdits {
        edits = List.copyOf(edits);
    }

    /** These edits followed by {@code more}. */
    public QuantizedEdits plus(List<GraphEdit> more) {
        List<GraphEdit> all = new java.util.ArrayList<>(edits);
        all.addAll(more);
        return new QuantizedEdits(all);
    }
}
