package dev.sparkptq.cli;

import dev.sparkptq.spark.ProgressListener;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Renders Spark progress events: POT's {@code --progress-bar} (one line redrawn in place) or
 * {@code --stream-output} (one line per update, for tools that read the output line by line).
 */
final class ProgressPrinter implements Consumer<ProgressListener.Event> {
    enum Mode { OFF, BAR, STREAM }

    private static final int WIDTH = 30;
    private final Mode mode;
    private final PrintStream out;

    ProgressPrinter(Mode mode, PrintStream out) {
        this.mode = mode;
        this.out = out;
    }

    static Mode mode(boolean bar, boolean stream) {
        return stream ? Mode.STREAM : bar ? Mode.BAR : Mode.OFF;
    }

    @Override
    public synchronized void accept(ProgressListener.Event e) {
        if (mode == Mode.OFF) {
            return;
        }
        String line = render(e);
        if (mode == Mode.STREAM) {
            out.println(line);
        } else {
            out.print("\r" + line + (e.finished() ? "\n" : ""));
            out.flush();
        }
    }

    static String render(ProgressListener.Event e) {
        int filled = e.total() == 0 ? 0 : WIDTH * e.done() / e.total();
        String bar = "#".repeat(filled) + "-".repeat(WIDTH - filled);
        String eta = e.finished() ? String.format(Locale.ROOT, "done in %.1fs", e.elapsedMillis() / 1e3)
                : e.etaSeconds() < 0 ? "ETA --" : "ETA " + e.etaSeconds() + "s";
        return String.format(Locale.ROOT, "%-10s [%s] %d/%d tasks, %d samples, %.1f samples/s, %s", e.stage(), bar,
                e.done(), e.total(), e.samples(), e.samplesPerSecond(), eta);
    }
}
