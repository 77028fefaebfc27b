#!/usr/bin/env bash
# spark-submit wrapper for a Spark standalone cluster: SPARK_MASTER=spark://host:7077 jobs/submit-standalone.sh
# quantize -c hdfs://namenode:8020/ptq/my.json --output-dir hdfs://namenode:8020/ptq/out. Paths are URIs of a file
# system the cluster reaches (hdfs://, s3a://, …) or local paths on a file system every node mounts.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec spark-submit --master "${SPARK_MASTER:?set SPARK_MASTER=spark://host:7077}" \
  --deploy-mode "${SPARK_DEPLOY_MODE:-client}" --properties-file "$HERE/jobs/spark-defaults.conf" \
  --class dev.sparkptq.cli.Main "$HERE"/target/spark-ptq-*-spark-app.jar "$@"
