package dev.sparkptq.cli;

import dev.sparkptq.core.ConfigException;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Locale;

/** POT's {@code --log-level}: INFO shows spark-ptq's progress lines, DEBUG adds Spark's own INFO logs. */
enum LogLevel {
    CRITICAL, ERROR, WARNING, INFO, DEBUG;

    static LogLevel parse(String text) {
        if (text == null) {
            return INFO;
        }
        try {
            LogLevel l = valueOf(text.toUpperCase(Locale.ROOT));
            if (l == DEBUG) {
                Configurator.setRootLevel(Level.INFO);
            }
            return l;
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--log-level takes CRITICAL, ERROR, WARNING, INFO or DEBUG, not '" + text + "'");
        }
    }

    /** Where progress lines go: the given stream at INFO and DEBUG, nowhere above. */
    PrintStream progress(PrintStream err) {
        return compareTo(INFO) >= 0 ? err : new PrintStream(OutputStream.nullOutputStream());
    }
}
