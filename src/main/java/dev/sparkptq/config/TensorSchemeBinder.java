package dev.sparkptq.config;

import dev.sparkptq.config.RangeEstimatorDefaults.TensorRole;
import dev.sparkptq.core.Granularity;
import dev.sparkptq.core.QuantScheme;

import java.util.Optional;

/**
 * Binds a {@code weights} or {@code activations} block into a fully resolved {@link TensorQuantSpec}.
 *
 * <p>Defaults: 8 bits; the mode comes from the preset unless the block sets {@code mode}; weights are per channel and
 * activations per tensor, except that 16-bit schemes default to per tensor (16 bits are supported per tensor only,
 * and a default should never produce an error). {@code level_low}/{@code level_high} are given together or not at
 * all, and must fit the bit width, signed (low &lt; 0) or unsigned.
 */
final class TensorSchemeBinder {
    static final KeySpec KEYS = KeySpec.of("bits", "mode", "granularity", "level_low", "level_high",
            "range_estimator");

    static final Choices<QuantScheme> MODES = Choices.<QuantScheme>builder()
            .value("symmetric", QuantScheme.SYMMETRIC).value("asymmetric", QuantScheme.ASYMMETRIC).build();
    private static final Choices<Granularity> GRANULARITIES = Choices.<Granularity>builder()
            .value("pertensor", Granularity.PER_TENSOR).value("perchannel", Granularity.PER_CHANNEL).build();

    private static final int DEFAULT_BITS = 8;
    private static final int WIDE_BITS = 16;

    static final ConfigKeys.Section DOCS = ConfigKeys.section(
                    "compression.algorithms[].params.<weights|activations>", KEYS)
            .key("bits", "2–8 or 16", "8", "bits per value (16: per tensor only)")
            .key("mode", MODES, "weights `symmetric`; activations from the preset", "quantization mode")
            .key("granularity", GRANULARITIES, "weights `perchannel`, activations `pertensor` (16 bits: "
                    + "`pertensor`)", "one range per tensor or per output channel")
            .key("level_low", "integer", "the full range of `bits`", "lowest quantized level; with `level_high`")
            .key("level_high", "integer", "the full range of `bits`", "highest quantized level; with `level_low`")
            .key("range_estimator", "object", "POT's defaults for the mode and granularity", "how ranges are "
                    + "estimated (see \"Range estimators\")");

    private TensorSchemeBinder() {
    }

    /** Binds {@code params.<key>} (absent = all defaults) with the preset's mode for this role. */
    static TensorQuantSpec bind(ObjectView params, String key, TensorRole role, QuantScheme presetMode) {
        ObjectView b = params.section(key, KEYS);
        int bits = bits(b);
        QuantScheme mode = b.choice("mode", MODES).orElse(presetMode);
        Granularity granularity = granularity(b, role, bits);
        Integer levelLow = null;
        Integer levelHigh = null;
        if (levelsValid(b, bits)) {
            levelLow = b.intValue("level_low", Integer.MIN_VALUE, Integer.MAX_VALUE).orElse(null);
            levelHigh = b.intValue("level_high", Integer.MIN_VALUE, Integer.MAX_VALUE).orElse(null);
        }
        return new TensorQuantSpec(bits, mode, granularity, levelLow, levelHigh,
                RangeEstimatorBinder.bind(b, role, granularity, mode));
    }

    private static int bits(ObjectView b) {
        Optional<Long> given = b.integer("bits", Long.MIN_VALUE, Long.MAX_VALUE);
        if (given.isEmpty()) {
            return DEFAULT_BITS;
        }
        long bits = given.get();
        if ((bits >= 2 && bits <= 8) || bits == WIDE_BITS) {
            return (int) bits;
        }
        if (bits > 8 && bits < WIDE_BITS) {
            b.problem("bits", bits + " is not supported yet (supported: 2–8, 16)");
        } else {
            b.problem("bits", "must be 2–8 or 16, got " + bits);
        }
        return DEFAULT_BITS;
    }

    private static Granularity granularity(ObjectView b, TensorRole role, int bits) {
        Optional<Granularity> given = b.choice("granularity", GRANULARITIES);
        if (bits == WIDE_BITS) {
            if (given.orElse(null) == Granularity.PER_CHANNEL) {
                b.problem("granularity", "16-bit quantization is per tensor only, use pertensor or bits ≤ 8");
            }
            return Granularity.PER_TENSOR;
        }
        return given.orElse(role == TensorRole.WEIGHTS ? Granularity.PER_CHANNEL : Granularity.PER_TENSOR);
    }

    /** Checks the level pair; true when both are absent or both valid. */
    private static boolean levelsValid(ObjectView b, int bits) {
        boolean hasLow = b.has("level_low");
        boolean hasHigh = b.has("level_high");
        if (!hasLow && !hasHigh) {
            return true;
        }
        Optional<Integer> low = b.intValue("level_low", Integer.MIN_VALUE, Integer.MAX_VALUE);
        Optional<Integer> high = b.intValue("level_high", Integer.MIN_VALUE, Integer.MAX_VALUE);
        if (hasLow != hasHigh) {
            b.problem(hasLow ? "level_high" : "level_low", "give level_low and level_high together (got only "
                    + (hasLow ? "level_low" : "level_high") + ")");
            return false;
        }
        if (low.isEmpty() || high.isEmpty()) {
            return false;
        }
        int lo = low.get();
        int hi = high.get();
        if (lo >= hi) {
            b.problem("level_low", "level_low (" + lo + ") must be below level_high (" + hi + ")");
            return false;
        }
        long signedMin = -(1L << (bits - 1));
        long signedMax = (1L << (bits - 1)) - 1;
        long unsignedMax = (1L << bits) - 1;
        boolean fits = lo < 0 ? lo >= signedMin && hi <= signedMax : hi <= unsignedMax;
        if (!fits) {
            b.problem("level_low", "levels " + lo + ".." + hi + " do not fit in " + bits + " bits (signed "
                    + signedMin + ".." + signedMax + " or unsigned 0.." + unsignedMax + ")");
            return false;
        }
        return true;
    }
}
