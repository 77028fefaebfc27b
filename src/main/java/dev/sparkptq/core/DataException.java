package dev.sparkptq.core;

/** Raised when the calibration or evaluation data is unusable. */
public class DataException extends QuantizationException {
    private static final long serialVersionUID = 1L;

    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public ExitCode exitCode() {
        return ExitCode.DATA;
    }
}
