package dev.sparkptq.cli;

import dev.sparkptq.core.ExitCode;
import dev.sparkptq.core.QuantizationException;

import java.io.PrintStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps any failure to one line and an exit code. Errors raised inside Spark tasks arrive wrapped in Spark's
 * exceptions; the first {@link QuantizationException} in the cause chain is the one the user needs. Anything else
 * that failed inside a task is named by what the task threw, not by Spark's "Job aborted due to stage failure…"
 * preamble. Stack traces only with {@code --verbose}.
 */
final class Errors {
    /** Spark's text before a task's own error: "… Lost task 3.0 in stage 0.0 (TID 3) (host executor 1): ". */
    private static final Pattern LOST_TASK = Pattern.compile("Lost task [^:]*?\\((?:TID [^)]*)\\)(?: \\([^)]*\\))?: ");
    private static final String SPARK_PACKAGE = "org.apache.spark.";

    private Errors() {
    }

    static int report(Throwable t, boolean verbose, PrintStream err) {
        return report(t, verbose, err, "");
    }

    /**
     * Prints {@code t} as one line (plus its stack trace with {@code verbose}) and returns the exit code.
     *
     * @param hint appended to the line, e.g. where Spark's log went ({@link SparkLogFile#hint}); may be empty
     */
    static int report(Throwable t, boolean verbose, PrintStream err, String hint) {
        QuantizationException q = QuantizationException.find(t);
        if (verbose) {
            t.printStackTrace(err);
        }
        if (q != null) {
            err.println("spark-ptq: error: " + oneLine(q.getMessage()) + hint);
            return q.exitCode().code();
        }
        if (t instanceof OutOfMemoryError) {
            err.println("spark-ptq: error: out of memory (" + oneLine(t.getMessage())
                    + "); give the JVM more heap with SPARK_PTQ_HEAP=8g or lower stat_batch_size" + hint);
            return ExitCode.INTERNAL.code();
        }
        err.println("spark-ptq: internal error: " + describe(t) + hint
                + (verbose ? "" : " (run with --verbose for the stack trace)"));
        return ExitCode.INTERNAL.code();
    }

    /**
     * What failed: a Spark task's own exception ("a Spark task failed: IllegalStateException: boom") when Spark
     * wraps one, else the exception itself.
     */
    static String describe(Throwable t) {
        Throwable inner = t;
        while (inner.getClass().getName().startsWith(SPARK_PACKAGE) && inner.getCause() != null
                && inner.getCause() != inner) {
            inner = inner.getCause();
        }
        if (inner != t) {
            return "a Spark task failed: " + inner.getClass().getSimpleName() + ": " + oneLine(inner.getMessage());
        }
        String line = oneLine(t.getMessage());
        Matcher m = LOST_TASK.matcher(line);
        if (t.getClass().getName().startsWith(SPARK_PACKAGE) && m.find()) {
            return "a Spark task failed: " + line.substring(m.end()); // a remote failure Spark kept only as text
        }
        return t.getClass().getSimpleName() + ": " + line;
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
