package dev.sparkptq.api;

import dev.sparkptq.data.SampleRef;

import java.io.Serializable;
import java.util.Iterator;

/**
 * Work on one slice of samples, shipped to executors (Java-serialized) and run there; its result comes back the same
 * way and is merged on the driver in slice order.
 *
 * @param <R> the slice's result
 */
@FunctionalInterface
interface SliceTask<R extends Serializable> extends Serializable {
    R apply(Iterator<SampleRef> slice);
}
