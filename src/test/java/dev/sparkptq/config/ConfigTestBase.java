package dev.sparkptq.config;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** A fresh {@link ConfigFixture} in a temp folder per test, for the config tests that bind JSON around it. */
abstract class ConfigTestBase {
    @TempDir
    Path tmp;
    ConfigFixture fx;

    @BeforeEach
    void setUpFixture() {
        fx = new ConfigFixture(tmp);
    }
}
