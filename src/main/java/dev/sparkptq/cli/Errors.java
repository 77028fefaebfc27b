package dev.sparkptq.cli;

import dev.sparkptq.core.ExitCode;
import dev.sparkptq.core.QuantizationException;

import java.io.PrintStream;

/**
 * Maps any failure to one line and an exit code. Errors raised inside Spark tasks arrive wrapped in Spark's
 * exceptions; the first {@link QuantizationException} in the cause chain is the one the user needs.
 */
final class Errors {
    private Errors() {
    }

    static int report(Throwable t, boolean verbose, PrintStream err) {
        QuantizationException q = QuantizationException.find(t);
        if (verbose) {
            t.printStackTrace(err);
        }
        if (q != null) {
            err.println("spark-ptq: error: " + oneLine(q.getMessage()));
            return q.exitCode().code();
        }
        if (t instanceof OutOfMemoryError) {
            err.println("spark-ptq: error: out of memory (" + oneLine(t.getMessage())
                    + "); give the JVM more heap with SPARK_PTQ_HEAP=8g or lower stat_batch_size");
            return ExitCode.INTERNAL.code();
        }
        err.println("spark-ptq: internal error: " + t.getClass().getSimpleName() + ": " + oneLine(t.getMessage())
                + (verbose ? "" : " (run with --verbose for the stack trace)"));
        return ExitCode.INTERNAL.code();
    }

    static String oneLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        String line = message.strip();
        int nl = line.indexOf('\n');
        return nl < 0 ? line : line.substring(0, nl).strip();
    }
}
