package dev.sparkptq.core;

/**
 * Root of every error spark-ptq raises on purpose. Messages are one readable line that names the problem and the
 * fix; subclasses say who is at fault and so which exit code the CLI uses.
 */
public class QuantizationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public QuantizationException(String message) {
        super(message);
    }

    public QuantizationException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The exit code the CLI maps this error to. */
    public ExitCode exitCode() {
        return ExitCode.INTERNAL;
    }
}
