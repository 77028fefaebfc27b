package dev.sparkptq.config;

import dev.sparkptq.config.MetricSpec.Direction;
import dev.sparkptq.config.MetricSpec.Pooling;
import dev.sparkptq.config.MetricSpec.Type;
import dev.sparkptq.core.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** spearman, mean_iou and custom metrics in the config; direction and class only where they apply. */
class MetricTypesConfigTest {
    @TempDir
    Path tmp;

    private List<MetricSpec> metrics(String reader, String metrics) {
        return new ConfigFixture(tmp).load(ConfigFixture.withEngine(reader + "\"metrics\": [" + metrics + "]"))
                .engine().metrics();
    }

    private static final String PAIRS = "\"reader\": {\"type\": \"text\", \"tokenizer\": \"tokenizer.json\", "
            + "\"format\": \"pairs\"}, ";

    @Test
    void spearmanBindsWithAPairsReader() {
        assertEquals(List.of(new MetricSpec("spearman", Type.SPEARMAN, 1, null, Pooling.NONE)),
                metrics(PAIRS, "{\"type\": \"spearman\"}"));
    }

    @Test
    void spearmanWithoutPairsIsRejectedNamingTheFix() {
        ConfigException e = assertThrows(ConfigException.class, () -> metrics("", "{\"type\": \"spearman\"}"));
        assertTrue(e.getMessage().contains("\"pairs\""), e.getMessage());
    }

    @Test
    void meanIouBinds() {
        assertEquals(List.of(new MetricSpec("miou", Type.MEAN_IOU, 1, "seg", Pooling.NONE)),
                metrics("", "{\"type\": \"mean_iou\", \"name\": \"miou\", \"output\": \"seg\"}"));
    }

    @Test
    void customNeedsAClassAndTakesPotDirections() {
        assertEquals(List.of(new MetricSpec("MyMetric", Type.CUSTOM, 1, null, Pooling.NONE, "com.acme.MyMetric",
                        Direction.LOWER_BETTER),
                new MetricSpec("b", Type.CUSTOM, 1, null, Pooling.NONE, "com.acme.B", Direction.HIGHER_BETTER)),
                metrics("", "{\"type\": \"custom\", \"class\": \"com.acme.MyMetric\", \"direction\": \"higher-worse\"},"
                        + "{\"type\": \"custom\", \"name\": \"b\", \"class\": \"com.acme.B\", "
                        + "\"direction\": \"higher-better\"}"));
        assertThrows(ConfigException.class, () -> metrics("", "{\"type\": \"custom\"}"));
        assertThrows(ConfigException.class, () -> metrics("", "{\"type\": \"custom\", \"class\": \"not a class\"}"));
    }

    @Test
    void classAndDirectionOnBuiltInMetricsAreRejected() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> metrics("", "{\"type\": \"cosine_to_fp32\", \"direction\": \"lower-better\"}"));
        assertTrue(e.getMessage().contains("direction"), e.getMessage());
        assertThrows(ConfigException.class, () -> metrics("", "{\"type\": \"top1_agreement\", \"class\": \"a.B\"}"));
    }

    private List<MetricSpec> accuracyAware(String engine, String params) {
        return new ConfigFixture(tmp).load(ConfigFixture.config(engine, "\"algorithms\": [ { \"name\": "
                + "\"AccuracyAwareQuantization\", \"params\": { \"maximal_drop\": 0.01 " + params + " } } ]"))
                .engine().metrics();
    }

    @Test
    void fidelityTypesBindWithOrWithoutAnOutput() {
        assertEquals(List.of(new MetricSpec("fidelity_cosine", Type.FIDELITY_COSINE, 1, null, Pooling.NONE),
                        new MetricSpec("boxes", Type.FIDELITY_SQNR, 1, "boxes", Pooling.NONE)),
                metrics("", "{\"type\": \"fidelity_cosine\"}, {\"type\": \"fidelity_sqnr\", \"name\": "
                        + "\"boxes\", \"output\": \"boxes\"}"));
    }

    @Test
    void accuracyAwareWithoutLabelsDefaultsToFidelityOverEveryOutput() {
        MetricSpec fidelity = new MetricSpec("fidelity_cosine", Type.FIDELITY_COSINE, 1, null, Pooling.NONE);
        assertEquals(List.of(fidelity), accuracyAware("\"reader\": {\"type\": \"npy\"}", ""));
        assertEquals(List.of(fidelity), accuracyAware("", ""), "images without labels");
        List<MetricSpec> annotationFree = accuracyAware("", ", \"annotation_free\": true");
        assertEquals(Type.COSINE_TO_FP32, annotationFree.get(0).type(), "annotation-free ranks on top-1: unchanged");
        List<MetricSpec> labelled = accuracyAware("\"reader\": {\"type\": \"image\", \"labels\": {\"from\": "
                + "\"filename_prefix\", \"index_file\": \"wnids.txt\"}}", "");
        assertEquals(Type.ACCURACY, labelled.get(0).type(), "labels: accuracy, as before");
        assertEquals(List.of(new MetricSpec("top1_agreement", Type.TOP1_AGREEMENT, 1, null, Pooling.NONE)),
                accuracyAware("\"metrics\": [{\"type\": \"top1_agreement\"}]", ""), "configured: kept");
        assertEquals(Type.COSINE_TO_FP32, new ConfigFixture(tmp).load(ConfigFixture.withParams("")).engine()
                .metrics().get(0).type(), "DefaultQuantization keeps its defaults");
    }
}
