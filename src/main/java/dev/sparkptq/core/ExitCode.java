package dev.sparkptq.core;

/** Process exit codes of the command line tool; each names who is at fault. */
public enum ExitCode {
    OK(0), INTERNAL(1), CONFIG(2), MODEL(3), DATA(4), TARGET_MISSED(5);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
