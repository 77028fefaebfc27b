package dev.sparkptq.plan;

/** What a quantizer sits on: a runtime activation (needs statistics) or a constant weight (needs none). */
public enum PointKind {
    ACTIVATION, WEIGHT
}
