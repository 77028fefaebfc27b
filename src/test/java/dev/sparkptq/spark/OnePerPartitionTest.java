package dev.sparkptq.spark;

import dev.sparkptq.core.InternalException;
import org.junit.jupiter.api.Test;
import scala.Tuple2;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Partition results are merged only when there is exactly one per partition index (a retry must not count twice). */
class OnePerPartitionTest {
    @Test
    void oneResultPerPartitionIsAccepted() {
        assertDoesNotThrow(() -> SparkBackend.requireOnePerPartition(
                List.of(new Tuple2<>(0, "a"), new Tuple2<>(1, "b"), new Tuple2<>(2, "c")), 3));
    }

    @Test
    void aDuplicatedOrMissingPartitionIsRefused() {
        assertThrows(InternalException.class, () -> SparkBackend.requireOnePerPartition(
                List.of(new Tuple2<>(0, "a"), new Tuple2<>(1, "b"), new Tuple2<>(1, "b")), 3));
        assertThrows(InternalException.class, () -> SparkBackend.requireOnePerPartition(
                List.of(new Tuple2<>(0, "a"), new Tuple2<>(2, "c")), 3));
    }
}
