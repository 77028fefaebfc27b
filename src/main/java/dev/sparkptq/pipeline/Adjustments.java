package dev.sparkptq.pipeline;

import dev.sparkptq.config.QuantizationParams;
import dev.sparkptq.report.RunReport;

import java.util.List;

/** The report section of the saturation fix, cross-layer equalization and ActivationChannelAlignment. */
final class Adjustments {
    private Adjustments() {
    }

    static RunReport.AdjustmentSummary summary(QuantizationParams params, List<String> sevenBitLayers,
                                               List<RunReport.AlignedPair> aligned,
                                               List<RunReport.EqualizedPair> equalized) {
        return new RunReport.AdjustmentSummary(params.adjustments().overflowFix().name().toLowerCase(),
                sevenBitLayers, params.adjustments().channelAlignment().name().toLowerCase(), aligned,
                params.adjustments().equalization().name().toLowerCase(), equalized);
    }
}
