package dev.sparkptq.config;

import java.io.Serializable;

/**
 * DefaultQuantization's changes to the model around MinMax that are not bias correction: the saturation (overflow)
 * fix on weight levels, cross-layer equalization and ActivationChannelAlignment of Conv→Conv pairs.
 *
 * @param overflowFix      which layers get 7-bit weights ({@code saturation_fix}, default first layer only)
 * @param channelAlignment ActivationChannelAlignment on or off ({@code activation_channel_alignment})
 * @param equalization     cross-layer equalization ({@code cross_layer_equalization})
 */
public record ModelAdjustmentSpec(OverflowFix overflowFix, ChannelAlignment channelAlignment,
                                  Equalization equalization) implements Serializable {

    /** The default cross-layer equalization (see BENCHMARKS.md for the measurement behind it). */
    public static final Equalization DEFAULT_EQUALIZATION = Equalization.ACTIVATIONS;

    /** POT's defaults (saturation fix on the first layer, channel alignment on) plus the default equalization. */
    public static ModelAdjustmentSpec defaults() {
        return new ModelAdjustmentSpec(OverflowFix.FIRST_LAYER_ONLY, ChannelAlignment.ON, DEFAULT_EQUALIZATION);
    }

    /** MinMaxQuantization, or tests that want the plain MinMax model: no fix, no alignment, no equalization. */
    public static ModelAdjustmentSpec none() {
        return new ModelAdjustmentSpec(OverflowFix.DISABLE, ChannelAlignment.OFF, Equalization.OFF);
    }
}
