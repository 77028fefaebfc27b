package dev.sparkptq.calibration;

import dev.sparkptq.config.TensorQuantSpec;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.QuantParams;

/**
 * The integer levels a quantizer may use and the ONNX type that stores them.
 *
 * <p>Defaults (POT/NNCF), for {@code b} bits, storage 8-bit for {@code b ≤ 8} and 16-bit above:
 * <ul>
 *   <li>unsigned: {@code 0 .. 2^b−1} (UINT8/UINT16), e.g. 0..255, or 0..15 for 4 bits;</li>
 *   <li>signed: {@code −2^(b−1) .. 2^(b−1)−1} (INT8/INT16), e.g. −128..127, −2..1 for 2 bits;</li>
 *   <li>signed narrow (symmetric weights): {@code −(2^(b−1)−1) .. 2^(b−1)−1}, e.g. −127..127, −1..1 for 2 bits.</li>
 * </ul>
 * Explicit {@code level_low}/{@code level_high} replace the defaults; the storage is then the smallest type that
 * holds them, signed when {@code level_low < 0} (e.g. −127..127 → INT8, 0..1023 → UINT16).
 */
record Levels(int low, int high, DType storage) {

    /** The signedness a default level range takes. */
    enum Kind { UNSIGNED, SIGNED, SIGNED_NARROW }

    static Levels of(TensorQuantSpec spec, Kind kind) {
        int bits = spec.bits();
        if (bits < 2 || bits > 16) {
            throw new ConfigException("bits " + bits + " is not supported; use 2..8 or 16");
        }
        if (spec.levelLow() != null || spec.levelHigh() != null) {
            return explicit(spec);
        }
        boolean wide = bits > 8;
        int half = 1 << (bits - 1);
        return switch (kind) {
            case UNSIGNED -> new Levels(0, (1 << bits) - 1, wide ? DType.UINT16 : DType.UINT8);
            case SIGNED -> new Levels(-half, half - 1, wide ? DType.INT16 : DType.INT8);
            case SIGNED_NARROW -> new Levels(-(half - 1), half - 1, wide ? DType.INT16 : DType.INT8);
        };
    }

    private static Levels explicit(TensorQuantSpec spec) {
        Integer lo = spec.levelLow();
        Integer hi = spec.levelHigh();
        if (lo == null || hi == null || lo >= hi) {
            throw new ConfigException("level_low " + lo + " and level_high " + hi + " must both be given with "
                    + "level_low < level_high (e.g. -127 and 127), or both be omitted");
        }
        DType storage;
        if (lo < 0) {
            storage = fits(lo, hi, DType.INT8) ? DType.INT8 : fits(lo, hi, DType.INT16) ? DType.INT16 : null;
        } else {
            storage = fits(lo, hi, DType.UINT8) ? DType.UINT8 : fits(lo, hi, DType.UINT16) ? DType.UINT16 : null;
        }
        if (storage == null) {
            throw new ConfigException("levels " + lo + ".." + hi + " fit no 8- or 16-bit integer type; keep them "
                    + "within -32768..32767 (signed) or 0..65535 (unsigned)");
        }
        return new Levels(lo, hi, storage);
    }

    private static boolean fits(int lo, int hi, DType t) {
        return lo >= QuantParams.typeMin(t) && hi <= QuantParams.typeMax(t);
    }
}
