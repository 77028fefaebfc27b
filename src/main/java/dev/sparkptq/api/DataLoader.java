package dev.sparkptq.api;

import java.io.Serializable;

/**
 * Your samples, by index: POT's {@code DataLoader} ({@code __len__} and {@code __getitem__}).
 *
 * <p>Serializable because Spark executors call {@link #get} themselves: the loader travels to them with each
 * task, so keep its fields small (paths, not tensors) and open heavy resources lazily in a {@code transient} field.
 * On a cluster every path the loader reads must be visible to every executor. Implementations must be thread-safe
 * and deterministic: item {@code i} is the same on every call and in every JVM.
 */
public interface DataLoader extends Serializable {
    /** How many items there are; indexes run from 0 to {@code size() - 1}. */
    int size();

    /** Item {@code index}. A failure should name the item, e.g. with a {@link dev.sparkptq.core.DataException}. */
    DataItem get(int index);
}
