package dev.sparkptq.data;

import java.io.Serializable;
import java.util.List;

/**
 * A source of samples. Serializable so executors can rebuild samples from {@link SampleRef}s; heavy per-JVM state
 * (a tokenizer) is created lazily and cached, never serialized.
 */
public interface DataSource extends Serializable {
    /** Driver side: every sample of the source in a stable, sorted order. Fails with a DataException when empty. */
    List<SampleRef> list();

    /** Executor side: load one sample. Thread-safe. Fails with a DataException naming the sample on bad data. */
    Sample load(SampleRef ref);
}
