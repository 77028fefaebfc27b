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

    /**
     * The first spark-ptq error in {@code t}'s cause chain ({@code t} itself included), or null: Spark wraps what a
     * task threw in its own exceptions, and callers (the CLI's exit codes, the Java API) want the error we raised.
     */
    public static QuantizationException find(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof QuantizationException q) {
                return q;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return null;
    }

    /** The exit code the CLI maps this error to. */
    public ExitCode exitCode() {
        return ExitCode.INTERNAL;
    }
}
