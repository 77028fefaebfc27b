package dev.sparkptq.data;

import dev.sparkptq.config.JsonArrayReaderSpec;
import dev.sparkptq.config.LabelSpec;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.DataException;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.core.TensorInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.sparkptq.data.TestData.input;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class JsonArrayDataSourceTest {
    @TempDir
    Path dir;

    private static final TensorInfo X = input("x", DType.FLOAT, -1, 1, 2, 2);
    private static final LabelSpec BY_NAME = new LabelSpec(LabelSpec.Source.FILENAME_PREFIX, null, null, null);

    private static JsonArrayReaderSpec spec(String key, LabelSpec labels) {
        return new JsonArrayReaderSpec(null, key, labels);
    }

    @Test
    void splitsEachFileIntoSamplesOfTheModelInputSizeInNameOrder() throws IOException {
        Files.writeString(dir.resolve("1.json"), "{\"other\": {\"a\": [9]}, \"data\": [1,2,3,4, 5,6,7,8.5]}");
        Files.writeString(dir.resolve("0.json"), "{ \"data\": [[0, 0.5], [1e-1, -2]] }");
        DataSource ds = DataSources.create(spec("data", BY_NAME), dir, List.of(X));
        List<SampleRef> refs = ds.list();
        assertEquals(List.of("0.json#0", "1.json#0", "1.json#1"), refs.stream().map(r -> r.id().value()).toList());
        assertEquals(List.of(0, 1, 1), refs.stream().map(SampleRef::label).toList());
        Tensor t = ds.load(refs.get(2)).inputs().get("x");
        assertArrayEquals(new long[] {1, 1, 2, 2}, t.shape());
        assertArrayEquals(new float[] {5, 6, 7, 8.5f}, t.floats());
        assertArrayEquals(new float[] {0, 0.5f, 0.1f, -2}, ds.load(refs.get(0)).inputs().get("x").floats());
    }

    @Test
    void countThatIsNotAMultipleOfTheSampleSizeFailsNamingTheFile() throws IOException {
        Files.writeString(dir.resolve("a.json"), "{\"data\": [1, 2, 3]}");
        DataSource ds = DataSources.create(spec("data", null), dir, List.of(X));
        DataException e = assertThrows(DataException.class, ds::list);
        assertTrue(e.getMessage().contains("a.json") && e.getMessage().contains("3 numbers"), e.getMessage());
    }

    @Test
    void missingKeyAndNonNumbersAreRefused() throws IOException {
        Files.writeString(dir.resolve("a.json"), "{\"values\": [1, 2, 3, 4]}");
        DataException e = assertThrows(DataException.class,
                () -> DataSources.create(spec("data", null), dir, List.of(X)).list());
        assertTrue(e.getMessage().contains("'data'"), e.getMessage());
        Files.writeString(dir.resolve("a.json"), "{\"data\": [1, \"two\", 3, 4]}");
        assertThrows(DataException.class, () -> DataSources.create(spec("data", null), dir, List.of(X)).list());
    }

    @Test
    void dynamicNonBatchDimensionCannotSizeASample() {
        assertThrows(DataException.class, () -> DataSources.create(spec("data", null), dir,
                List.of(input("x", DType.FLOAT, 1, -1))));
    }

    @Test
    void aSingleFileCanBeTheSourceAndTheKeyDefaultsToData() throws IOException {
        Path f = Files.writeString(dir.resolve("7.json"), "{\"data\": [1,2,3,4]}");
        DataSource ds = DataSources.create(spec(null, BY_NAME), f, List.of(X));
        assertEquals(7, ds.list().get(0).label());
    }

    @Test
    void parsedArraysAreCachedPerFileVersion() throws IOException {
        Path f = Files.writeString(dir.resolve("a.json"), "{\"data\": [1,2,3,4]}");
        assertSame(JsonArrays.floats(f, "data"), JsonArrays.floats(f, "data"));
    }

    @Test
    void survivesJavaSerialization() throws IOException {
        Files.writeString(dir.resolve("3.json"), "{\"data\": [1,2,3,4]}");
        DataSource ds = TestData.roundTrip(DataSources.create(spec("data", BY_NAME), dir, List.of(X)));
        Sample s = ds.load(ds.list().get(0));
        assertEquals(3, s.label());
        assertArrayEquals(new float[] {1, 2, 3, 4}, s.inputs().get("x").floats());
    }

    @Test
    void readsRealMnistDigits() throws IOException {
        Path mnist = TestData.sharedData().resolve("mnist/0.json");
        assumeTrue(Files.isRegularFile(mnist), "shared MNIST absent");
        Path folder = Files.createDirectories(dir.resolve("mnist"));
        Files.copy(mnist, folder.resolve("0.json"));
        // reference by naive text processing: numbers between the brackets, comma separated
        String text = Files.readString(mnist);
        String[] numbers = text.substring(text.indexOf('[') + 1, text.lastIndexOf(']')).split(",");
        DataSource ds = DataSources.create(spec("data", BY_NAME), folder,
                List.of(input("Input3", DType.FLOAT, 1, 1, 28, 28)));
        List<SampleRef> refs = ds.list();
        assertEquals(numbers.length / 784, refs.size());
        SampleRef last = refs.get(refs.size() - 1);
        float[] v = ds.load(last).inputs().get("Input3").floats();
        int base = (int) last.index() * 784;
        for (int i = 0; i < 784; i++) {
            assertEquals(Float.parseFloat(numbers[base + i].trim()), v[i], "element " + i);
        }
        assertEquals(0, last.label());
    }
}
