package dev.sparkptq.config;

/**
 * Whether loading checks that the files the config names (model, data sources, tokenizer, label files) exist.
 * {@link #SKIP} validates structure only: for tests, and for configs written on one machine and run on another.
 */
public enum FileChecks {
    /** Report every named file that does not exist (the default). */
    CHECK,
    /** Resolve paths but do not look at the file system. */
    SKIP
}
