package dev.sparkptq.spark;

import dev.sparkptq.data.SampleRef;
import org.apache.spark.api.java.JavaRDD;

import java.util.List;

/**
 * A data source whose samples live in a Spark dataset's partitions (table rows, files read by {@code binaryFile}):
 * work runs over the dataset's own partitions, each task decoding its rows and handing the wanted ones to
 * {@code load} on the same thread, instead of over {@code parallelize(refs)}.
 */
interface PartitionedSource {
    /** The wanted samples as refs in the dataset's partitions; each is decoded as the task takes it. */
    JavaRDD<SampleRef> refs(List<SampleRef> wanted);
}
