package dev.sparkptq.algorithms.kernelchoice;

import java.io.Serializable;
import java.util.List;

/**
 * The ops that read one activation. They are decided together: static and dynamic quantization each quantize the
 * activation once for all of its readers (one QuantizeLinear, one DynamicQuantizeLinear), so splitting a group
 * between the two would quantize it twice.
 *
 * @param input the shared activation
 * @param ops   in graph order
 */
public record KernelGroup(String input, List<KernelOp> ops) implements Serializable {
    public KernelGroup {
        ops = List.copyOf(ops);
        if (ops.isEmpty()) {
            throw new IllegalArgumentException("a kernel group needs at least one op: " + input);
        }
    }
}
