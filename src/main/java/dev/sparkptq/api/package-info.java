/**
 * The Java API: POT's Python API in idiomatic Java, for calling spark-ptq from your own code instead of the CLI.
 *
 * <p>{@link dev.sparkptq.api.DataLoader} and {@link dev.sparkptq.api.Metric} are what you implement;
 * {@link dev.sparkptq.api.Engine} runs models over the loader, in this JVM or on Spark, or over the rows of a Spark
 * {@code Dataset<Row>} (decoded on the executors), and measures tensor statistics;
 * {@link dev.sparkptq.api.Algorithms} builds algorithm settings that resolve to exactly the records a JSON config
 * resolves to; {@link dev.sparkptq.api.Pipeline} quantizes and evaluates; {@link dev.sparkptq.api.ModelIo} loads and
 * saves models. This is the top layer beside {@code cli}: it may use every package below it.
 */
package dev.sparkptq.api;
