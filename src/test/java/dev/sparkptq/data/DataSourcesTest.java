package dev.sparkptq.data;

import dev.sparkptq.config.ImageReaderSpec;
import dev.sparkptq.config.ImageReaderSpec.ColorOrder;
import dev.sparkptq.config.ImageReaderSpec.Layout;
import dev.sparkptq.config.JsonArrayReaderSpec;
import dev.sparkptq.config.NpyReaderSpec;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.DataException;
import dev.sparkptq.core.TensorInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.sparkptq.data.TestData.input;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataSourcesTest {
    @TempDir
    Path dir;

    private static final ImageReaderSpec IMAGES = new ImageReaderSpec(null, 0, null, null, null, 0, 1f, null, null,
            ColorOrder.RGB, Layout.NCHW, null);
    private static final List<TensorInfo> TWO = List.of(input("a", DType.FLOAT, 1, 3, 2, 2),
            input("b", DType.FLOAT, 1, 3, 2, 2));

    @Test
    void dispatchesOnTheSpecType() throws java.io.IOException {
        java.nio.file.Files.writeString(dir.resolve("a.json"), "{\"data\": [1, 2, 3, 4]}");
        List<TensorInfo> one = List.of(input("x", DType.FLOAT, 1, 4));
        assertInstanceOf(ImageDataSource.class, DataSources.create(IMAGES, dir, one));
        assertInstanceOf(NpyDataSource.class, DataSources.create(new NpyReaderSpec(Map.of(), false, null), dir, one));
        assertInstanceOf(JsonArrayDataSource.class,
                DataSources.create(new JsonArrayReaderSpec(null, "data", null), dir, one));
    }

    @Test
    void missingSourceIsNamed() {
        Path missing = dir.resolve("nowhere");
        DataException e = assertThrows(DataException.class,
                () -> DataSources.create(IMAGES, missing, List.of(input("x", DType.FLOAT, 1, 3, 2, 2))));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void unnamedInputNeedsASingleInputModel() {
        DataException e = assertThrows(DataException.class, () -> DataSources.create(IMAGES, dir, TWO));
        assertTrue(e.getMessage().contains("[a, b]") && e.getMessage().contains("'input'"), e.getMessage());
    }

    @Test
    void unknownInputNameListsTheModelsInputs() {
        ImageReaderSpec named = new ImageReaderSpec("c", 0, null, null, null, 0, 1f, null, null, ColorOrder.RGB,
                Layout.NCHW, null);
        DataException e = assertThrows(DataException.class, () -> DataSources.create(named, dir, TWO));
        assertTrue(e.getMessage().contains("'c'") && e.getMessage().contains("[a, b]"), e.getMessage());
    }

    @Test
    void namedInputSelectsItAmongSeveral() {
        ImageReaderSpec named = new ImageReaderSpec("b", 0, null, null, null, 0, 1f, null, null, ColorOrder.RGB,
                Layout.NCHW, null);
        assertInstanceOf(ImageDataSource.class, DataSources.create(named, dir, TWO));
    }
}
