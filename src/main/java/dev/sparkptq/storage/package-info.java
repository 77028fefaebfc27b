/**
 * Files and folders on any file system: local paths through {@code java.nio}, everything else ({@code hdfs://},
 * {@code s3a://}, {@code gs://}, {@code abfs://} …) through Hadoop's {@code FileSystem} API.
 *
 * <p>Why a package of its own: the pure layers must not import Hadoop, Spark's readers cover only the data, and the
 * driver still has to check, read and write single files wherever a cluster keeps them (the model and its external
 * data, the config, the outputs and checkpoints). Everything that touches Hadoop's {@code FileSystem} is here, below
 * {@code data}, {@code pipeline} and {@code spark}, so that one place knows the schemes, their connectors, how to
 * tell an unreachable NameNode from a missing file, and how to publish outputs atomically on each kind of store.
 *
 * <p>Invariants: a {@link dev.sparkptq.core.Location} with a scheme is never opened as a local path; every failure to
 * reach a file system is a one-line {@link dev.sparkptq.core.ConfigException} naming the scheme or host and the fix
 * (an unknown scheme, a connector missing from the classpath, a host that does not answer), raised by
 * {@link dev.sparkptq.storage.Storage#check} before any Spark job; no Spark here.
 */
package dev.sparkptq.storage;
