package dev.sparkptq.zoo;

import java.util.List;

/**
 * What the tool did to one model: the CLI's outcome, report.json's figures and the measured fidelity and speed on
 * held-out data. Figures are null when the step that gives them did not run (e.g. no model was written).
 *
 * @param model           the zoo name
 * @param via             how the CLI was called ({@code -q default}, or {@code -c config} for multi-input models)
 * @param mode            {@code default} or {@code accuracy_aware}
 * @param exitCode        the quantize command's exit code
 * @param error           its error line (the first console line naming an error), or null
 * @param stackTrace      whether a stack trace reached the console (never without --verbose)
 * @param quantizeSeconds wall time of the quantize command
 * @param preparation     report.json's preparation section, summarized, when present
 * @param integerShare    report.json's integer_kernels.integer_share
 * @param sizeRatio       quantized file bytes / FP32 file bytes
 * @param fp32Ms          FP32 ms per sample (one thread, interleaved rounds)
 * @param int8Ms          quantized ms per sample, same rounds
 * @param worstOutput     the output with the lowest cosine to FP32
 * @param worstCosine     its mean cosine
 * @param minSqnrDb       the lowest SQNR (dB) over outputs (null = exact)
 * @param minArgmax       the lowest argmax agreement over score-vector outputs, null when there is none
 * @param groupsReverted  accuracy-aware: groups reverted (of {@code groups})
 * @param groups          accuracy-aware: revert groups
 * @param outputs         every output's fidelity
 */
public record ZooRow(String model, String via, String mode, int exitCode, String error, boolean stackTrace,
                     double quantizeSeconds, String preparation, Double integerShare, Double sizeRatio, Double fp32Ms,
                     Double int8Ms, String worstOutput, Double worstCosine, Double minSqnrDb, Double minArgmax,
                     Integer groupsReverted, Integer groups, List<OutputFidelity> outputs) {

    /** One output's fidelity to FP32 on the held-out data. */
    public record OutputFidelity(String output, double cosine, Double sqnrDb, Double argmaxAgreement) {
    }

    public Double speedup() {
        return fp32Ms == null || int8Ms == null ? null : fp32Ms / int8Ms;
    }
}
