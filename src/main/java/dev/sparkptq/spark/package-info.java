/**
 * The only package that imports Spark. Samples are an RDD of {@link dev.sparkptq.data.SampleRef}s sliced exactly
 * like the in-process reference; each task runs {@link dev.sparkptq.pipeline.PartitionWorker} with an ONNX Runtime
 * session cached per executor JVM by model digest; the driver merges partition results in partition order, so a
 * run's numbers do not depend on which task finished first (nor on task retries: a retried task replaces its
 * partition's result, it never adds to it).
 *
 * <p>Samples that live in a Spark {@code Dataset<Row>} ({@link dev.sparkptq.spark.DatasetSource}, the Java API's
 * {@code Engine.withDataset}) are never collected: the same workers run over an RDD of refs with the dataset's own
 * partitioning, each task decoding its partition's rows. {@link dev.sparkptq.spark.SparkSources} makes such sources
 * from the config: a table reader's Parquet/ORC/Delta files or catalog table ({@link dev.sparkptq.spark.Tables};
 * a Parquet schema is read from one footer on the driver, so no inference job runs), and a folder of images on any
 * Hadoop file system through Spark's {@code binaryFile} source ({@link dev.sparkptq.spark.BinaryFileSource}, decoded
 * on the executors by the image reader).
 *
 * <p>Every class shipped to executors is registered in {@link dev.sparkptq.spark.PtqKryoRegistrator}; sessions run
 * with {@code spark.kryo.registrationRequired=true}.
 */
package dev.sparkptq.spark;
