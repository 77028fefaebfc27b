package dev.sparkptq.config;

import dev.sparkptq.config.TextReaderSpec.PairColumns;
import dev.sparkptq.core.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TextPairsConfigTest {
    @TempDir
    Path tmp;

    private TextReaderSpec reader(String extra) {
        ConfigFixture fx = new ConfigFixture(tmp);
        return (TextReaderSpec) fx.load(ConfigFixture.withEngine("\"reader\": {\"type\": \"text\", \"tokenizer\": "
                + "\"tokenizer.json\"" + extra + "}")).engine().reader();
    }

    @Test
    void pairsFormatDefaultsToTheStsBenchmarkColumns() {
        TextReaderSpec r = reader(", \"format\": \"pairs\"");
        assertEquals(TextReaderSpec.Format.PAIRS, r.format());
        assertEquals(PairColumns.STS, r.pairs());
        assertEquals(new PairColumns(5, 6, 7, "\t"), r.pairs());
    }

    @Test
    void pairColumnsAndDelimiterAreConfigurable() {
        TextReaderSpec r = reader(", \"format\": \"pairs\", \"score_column\": 1, \"first_column\": 2, "
                + "\"second_column\": 3, \"delimiter\": \",\"");
        assertEquals(new PairColumns(1, 2, 3, ","), r.pairs());
    }

    @Test
    void linesIsTheDefaultFormat() {
        TextReaderSpec r = reader("");
        assertEquals(TextReaderSpec.Format.LINES, r.format());
        assertNull(r.pairs());
    }

    @Test
    void pairColumnsWithoutPairsFormatAreRejected() {
        ConfigException e = assertThrows(ConfigException.class, () -> reader(", \"score_column\": 5"));
        assertTrue(e.getMessage().contains("score_column") && e.getMessage().contains("pairs"), e.getMessage());
    }

    @Test
    void pairColumnsMustDifferAndBeOneBased() {
        assertThrows(ConfigException.class, () -> reader(", \"format\": \"pairs\", \"first_column\": 5"));
        assertThrows(ConfigException.class, () -> reader(", \"format\": \"pairs\", \"score_column\": 0"));
    }
}
