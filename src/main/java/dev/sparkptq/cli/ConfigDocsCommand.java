package dev.sparkptq.cli;

import dev.sparkptq.config.ConfigKeys;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.ExitCode;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code spark-ptq config-docs [--readme README.md]}: prints the config reference table generated from the binders'
 * key documentation ({@link ConfigKeys}), or rewrites it in place between the README's markers.
 */
final class ConfigDocsCommand {
    static final String USAGE = """
            usage: spark-ptq config-docs [--readme FILE]

            Prints every config key with its type, default and meaning as a Markdown table.
              --readme FILE  replace the table between FILE's <!-- config-keys:begin/end --> markers instead
            """;

    private ConfigDocsCommand() {
    }

    static int run(List<String> args, PrintStream out, PrintStream err) throws IOException {
        if (args.contains("--help") || args.contains("-h")) {
            out.print(USAGE);
            return ExitCode.OK.code();
        }
        if (args.isEmpty()) {
            out.print(ConfigKeys.markdownTable());
            return ExitCode.OK.code();
        }
        if (args.size() != 2 || !args.get(0).equals("--readme")) {
            throw new ConfigException("config-docs takes no arguments or '--readme FILE', got " + args);
        }
        Path readme = Path.of(args.get(1));
        String before = Files.readString(readme);
        String after = ConfigKeys.updateReadme(before);
        Files.writeString(readme, after);
        out.println(before.equals(after) ? readme + " is up to date" : "updated the config reference in " + readme);
        return ExitCode.OK.code();
    }
}
