package dev.sparkptq.core;

/** Raised when the ONNX model is malformed or unsupported. */
public class ModelException extends QuantizationException {
    private static final long serialVersionUID = 1L;

    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public ExitCode exitCode() {
        return ExitCode.MODEL;
    }
}
