package dev.sparkptq.cli;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.ConsoleAppender;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps Spark's own log lines off the console while a run lasts. A failed task makes Spark log an ERROR
 * ("Exception in task …") and a WARN ("Lost task … java.lang…"), each with a 40-line stack trace, before the
 * driver even sees the failure; the user needs one line naming the cause, which {@link Errors} prints. So every log4j
 * logger that writes to the console writes to {@code <output folder>/spark-ptq.log} instead (the file is created
 * only when something is logged, so a clean run leaves none), and the error line names that file.
 *
 * <p>{@code --verbose} and {@code --log-level DEBUG} keep the console as well: a user who asks for traces or for
 * Spark's logs gets them. {@link #close} restores the console appenders, so a JVM that runs several commands (tests,
 * an embedding application) is left as it was. When the logging backend is not log4j-core (an application that
 * brought its own), nothing is rerouted.
 */
final class SparkLogFile implements AutoCloseable {
    static final String FILE_NAME = "spark-ptq.log";
    private static final String APPENDER = "spark-ptq-run-log";
    /**
     * False in the command-line process ({@link Main#main}), which ends right after the run: Spark's threads may
     * still log while they wind down (an executor heartbeat that timed out during stop, seconds later), and those
     * lines belong in the file too.
     */
    static volatile boolean restoreOnClose = true;

    private final Path file;
    private final LoggerContext context;
    private final FileAppender appender;
    /** Console appenders taken off a logger, to put back on close. */
    private final List<Removed> removed;

    private record Removed(LoggerConfig logger, Appender appender) {
    }

    private SparkLogFile(Path file, LoggerContext context, FileAppender appender, List<Removed> removed) {
        this.file = file;
        this.context = context;
        this.appender = appender;
        this.removed = removed;
    }

    /**
     * Routes console logging into {@code outputDir/spark-ptq.log} until {@link #close}.
     *
     * @param keepConsole also keep writing to the console (--verbose, DEBUG)
     */
    static SparkLogFile route(dev.sparkptq.core.Location outputDir, boolean keepConsole) {
        if (outputDir.isLocal()) {
            return route(outputDir.path(), keepConsole);
        }
        // an output on HDFS or an object store: the log stays on this machine, where the hint names it
        Path local = Path.of(System.getProperty("java.io.tmpdir"), "spark-ptq-logs",
                Integer.toHexString(outputDir.toString().hashCode()));
        try {
            Files.createDirectories(local);
        } catch (IOException e) {
            local = Path.of(System.getProperty("java.io.tmpdir"));
        }
        return route(local, keepConsole);
    }

    /** {@link #route(dev.sparkptq.core.Location, boolean)} into a local folder. */
    static SparkLogFile route(Path outputDir, boolean keepConsole) {
        Path file = outputDir.toAbsolutePath().resolve(FILE_NAME);
        if (!(LogManager.getContext(false) instanceof LoggerContext ctx)) {
            return new SparkLogFile(file, null, null, List.of());
        }
        Configuration cfg = ctx.getConfiguration();
        FileAppender app = FileAppender.newBuilder().setName(APPENDER).withFileName(file.toString())
                .withAppend(true).withCreateOnDemand(true).setConfiguration(cfg)
                .setLayout(PatternLayout.newBuilder().withConfiguration(cfg)
                        .withPattern("%d{yyyy-MM-dd HH:mm:ss} %p %c{1}: %m%n").build())
                .build();
        app.start();
        cfg.addAppender(app);
        List<Removed> removed = new ArrayList<>();
        List<LoggerConfig> loggers = new ArrayList<>(cfg.getLoggers().values());
        if (!loggers.contains(cfg.getRootLogger())) {
            loggers.add(cfg.getRootLogger());
        }
        for (LoggerConfig logger : loggers) {
            List<Appender> consoles = logger.getAppenders().values().stream()
                    .filter(a -> a instanceof ConsoleAppender).toList();
            if (consoles.isEmpty()) {
                continue; // inherits from a parent that is rerouted itself
            }
            logger.addAppender(app, null, null);
            if (!keepConsole) {
                for (Appender console : consoles) {
                    logger.removeAppender(console.getName());
                    removed.add(new Removed(logger, console));
                }
            }
        }
        ctx.updateLoggers();
        return new SparkLogFile(file, ctx, app, removed);
    }

    /** The log file's path. */
    Path file() {
        return file;
    }

    /** {@code " (Spark's log: FILE)"} when something was logged during the run, else the empty string. */
    String hint() {
        try {
            return Files.isRegularFile(file) && Files.size(file) > 0 ? " (Spark's log: " + file + ")" : "";
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        if (context == null || !restoreOnClose) {
            return;
        }
        Configuration cfg = context.getConfiguration();
        for (LoggerConfig logger : cfg.getLoggers().values()) {
            logger.removeAppender(APPENDER);
        }
        cfg.getRootLogger().removeAppender(APPENDER);
        for (Removed r : removed) {
            r.logger().addAppender(r.appender(), null, null);
        }
        context.updateLoggers();
        appender.stop();
    }
}
