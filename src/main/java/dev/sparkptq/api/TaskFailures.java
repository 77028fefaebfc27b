package dev.sparkptq.api;

import dev.sparkptq.core.QuantizationException;

import java.util.function.Supplier;

/**
 * Spark reports a task's failure as a {@code SparkException} whose cause chain holds what the task threw. The API's
 * callers catch spark-ptq's own exceptions (a {@code DataException} naming the bad sample), so the first
 * {@link QuantizationException} in the chain is rethrown as is; anything else propagates unchanged.
 */
final class TaskFailures {
    private TaskFailures() {
    }

    static <T> T unwrapped(Supplier<T> work) {
        try {
            return work.get();
        } catch (QuantizationException e) {
            throw e;
        } catch (RuntimeException e) {
            throw ours(e, e);
        } catch (Exception e) { // SparkException is checked in Java but thrown unchecked from Scala
            throw ours(e, new IllegalStateException(e.getMessage(), e));
        }
    }

    private static RuntimeException ours(Throwable failure, RuntimeException otherwise) {
        QuantizationException q = QuantizationException.find(failure.getCause());
        return q != null ? q : otherwise;
    }
}
