#!/usr/bin/env bash
# spark-submit wrapper for YARN (HADOOP_CONF_DIR or YARN_CONF_DIR must point at the cluster's configuration):
#   jobs/submit-yarn.sh quantize -c hdfs:///ptq/conf/my.json --output-dir hdfs:///ptq/out/run1
# Paths are local paths or file-system URIs (hdfs://, s3a://, gs://, abfs://; a URI without a host, hdfs:///x, uses
# the cluster's fs.defaultFS): the driver reads the config and the model, the executors the data (a Parquet/ORC table
# or a folder of images), and the outputs are published atomically on the output's file system. A plain path stays
# local: in SPARK_DEPLOY_MODE=cluster, where the driver runs in a YARN container, use URIs.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec spark-submit --master yarn --deploy-mode "${SPARK_DEPLOY_MODE:-client}" \
  --properties-file "$HERE/jobs/spark-defaults.conf" \
  --class dev.sparkptq.cli.Main "$HERE"/target/spark-ptq-*-spark-app.jar "$@"
