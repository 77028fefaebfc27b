package dev.sparkptq.core;

/**
 * A sample file that cannot be decoded: a truncated or corrupt image, an NPY file whose header or data is damaged.
 * Unlike other {@link DataException}s (a wrong shape, a missing folder), which usually mean the reader settings are
 * wrong for every sample, this one is about one file, so {@code engine.skip_bad_samples: true} may skip it.
 */
public class BadSampleException extends DataException {
    private static final long serialVersionUID = 1L;

    public BadSampleException(String message) {
        super(message);
    }

    public BadSampleException(String message, Throwable cause) {
        super(message, cause);
    }
}
