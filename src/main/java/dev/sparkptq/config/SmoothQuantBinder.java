package dev.sparkptq.config;

import dev.sparkptq.config.CompressionSection.ModelType;

/**
 * Binds NNCF's {@code smooth_quant_alphas} ({@code {"matmul": 0.95, "convolution": -1}}) from an algorithm's
 * params. Absent keys take NNCF's defaults, which depend on the model type: MatMul 0.95 for
 * {@code model_type: transformer}, off otherwise; convolutions are always off (only -1 is accepted).
 */
final class SmoothQuantBinder {
    static final String KEY = "smooth_quant_alphas";
    static final KeySpec KEYS = KeySpec.of("matmul", "convolution");

    static final ConfigKeys.Section DOCS = ConfigKeys.section("compression.algorithms[].params." + KEY, KEYS)
            .key("matmul", "number in [0, 1], or negative = off", "0.95 with `model_type: transformer`, else off",
                    "SmoothQuant alpha of MatMul/Gemm: how much of each channel's range moves into the weights")
            .key("convolution", "-1", "-1", "convolutions are not smoothed (NNCF's default)");

    private SmoothQuantBinder() {
    }

    static SmoothQuantSpec bind(ObjectView params, ModelType modelType) {
        SmoothQuantSpec defaults = modelType == ModelType.TRANSFORMER ? SmoothQuantSpec.transformerDefaults()
                : SmoothQuantSpec.off();
        ObjectView a = params.section(KEY, KEYS);
        double matmul = alpha(a, "matmul", defaults.matmul());
        double convolution = alpha(a, "convolution", defaults.convolution());
        if (convolution >= 0) {
            a.problem("convolution", "SmoothQuant on convolutions is not implemented (NNCF's default is -1, off); "
                    + "set it to -1");
            convolution = -1;
        }
        return new SmoothQuantSpec(matmul, convolution);
    }

    private static double alpha(ObjectView a, String key, double dflt) {
        double v = a.number(key).orElse(dflt);
        if (Double.isNaN(v) || v > 1) {
            a.problem(key, "must be an alpha in [0, 1] (NNCF's MatMul default is 0.95) or negative to switch "
                    + "SmoothQuant off, got " + v);
            return dflt;
        }
        return v;
    }
}
