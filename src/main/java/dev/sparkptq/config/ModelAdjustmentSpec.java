package dev.sparkptq.config;

import java.io.Serializable;

/**
 * DefaultQuantization's changes to the model around MinMax that are not bias correction: the saturation (overflow)
 * fix on weight levels and ActivationChannelAlignment of Conv→Conv pairs.
 *
 * @param overflowFix      which layers get 7-bit weights ({@code saturation_fix}, default first layer only)
 * @param channelAlignment ActivationChannelAlignment on or off ({@code activation_channel_alignment})
 */
public record ModelAdjustmentSpec(OverflowFix overflowFix, ChannelAlignment channelAlignment)
        implements Serializable {

    /** POT's defaults: saturation fix on the first layer, channel alignment on. */
    public static ModelAdjustmentSpec defaults() {
        return new ModelAdjustmentSpec(OverflowFix.FIRST_LAYER_ONLY, ChannelAlignment.ON);
    }

    /** MinMaxQuantization, or tests that want the plain MinMax model: no fix and no alignment. */
    public static ModelAdjustmentSpec none() {
        return new ModelAdjustmentSpec(OverflowFix.DISABLE, ChannelAlignment.OFF);
    }
}
