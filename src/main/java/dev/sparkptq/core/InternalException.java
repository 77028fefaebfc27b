package dev.sparkptq.core;

/** Raised when a bug or an environment failure inside spark-ptq. */
public class InternalException extends QuantizationException {
    private static final long serialVersionUID = 1L;

    public InternalException(String message) {
        super(message);
    }

    public InternalException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public ExitCode exitCode() {
        return ExitCode.INTERNAL;
    }
}
