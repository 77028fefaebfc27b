package dev.sparkptq.config;

/**
 * Whether DefaultQuantization runs POT's ActivationChannelAlignment before MinMax (POT always does in
 * DefaultQuantization; NNCF's {@code disable_channel_alignment} defaults to true, i.e. off).
 */
public enum ChannelAlignment { ON, OFF }
