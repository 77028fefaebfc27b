package dev.sparkptq.cli;

import dev.sparkptq.config.ConfigKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigDocsCommandTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void printsTheTable() {
        assertEquals(0, run("config-docs"));
        assertEquals(ConfigKeys.markdownTable(), out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void rewritesOnlyTheTextBetweenTheMarkers() throws IOException {
        Path readme = dir.resolve("README.md");
        Files.writeString(readme, "intro\n" + ConfigKeys.BEGIN + "\nold table\n" + ConfigKeys.END + "\noutro\n");
        assertEquals(0, run("config-docs", "--readme", readme.toString()));
        assertEquals("intro\n" + ConfigKeys.BEGIN + "\n" + ConfigKeys.markdownTable() + ConfigKeys.END + "\noutro\n",
                Files.readString(readme));
    }

    @Test
    void aReadmeWithoutMarkersIsAConfigErrorNamingThem() throws IOException {
        Path readme = Files.writeString(dir.resolve("README.md"), "no markers\n");
        assertEquals(2, run("config-docs", "--readme", readme.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains(ConfigKeys.BEGIN), err.toString());
        assertEquals("no markers\n", Files.readString(readme));
    }
}
