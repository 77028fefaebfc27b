/**
 * The configuration: POT-shaped sections ({@code model}, {@code engine}, {@code compression}) as immutable records,
 * presets, and a strict loader (JSON with comments) that rejects unknown keys and bad values before any job runs,
 * all at once, with the path of each offending key and the closest valid name.
 *
 * <p>Invariants: records are fully resolved (presets applied, defaults filled in, paths absolute), so no code
 * downstream has to know a default. Only the loader touches Jackson; the records are plain Java.
 */
package dev.sparkptq.config;
