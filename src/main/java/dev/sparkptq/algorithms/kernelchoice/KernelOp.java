package dev.sparkptq.algorithms.kernelchoice;

import java.io.Serializable;
import java.util.Objects;

/**
 * One MatMul/Gemm whose kernel is chosen.
 *
 * @param node   node name
 * @param input  the activation it reads (input 0)
 * @param weight its constant weight (input 1)
 * @param transB true for a Gemm with {@code transB = 1} (weight stored {@code [N, K]})
 */
public record KernelOp(String node, String input, String weight, boolean transB) implements Serializable {
    public KernelOp {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(weight, "weight");
    }
}
