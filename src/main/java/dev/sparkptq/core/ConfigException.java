package dev.sparkptq.core;

/** Raised when the configuration or the command-line arguments are wrong. */
public class ConfigException extends QuantizationException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public ExitCode exitCode() {
        return ExitCode.CONFIG;
    }
}
