#!/usr/bin/env bash
# spark-submit wrapper for Kubernetes: SPARK_MASTER=k8s://https://api-host:6443 SPARK_PTQ_IMAGE=registry/spark:4.0.4
# jobs/submit-k8s.sh quantize -c s3a://bucket/ptq/my.json --output-dir s3a://bucket/ptq/out. The image needs Spark
# 4.0.x (Scala 2.13, Java 17), the app jar at SPARK_PTQ_APP_JAR (default local:///opt/spark-ptq/spark-ptq-spark-app.jar,
# a path inside the image) and the connector of the store (hadoop-aws for s3a://, gcs-connector for gs://); config,
# model, data and output are URIs there, or paths on a volume every pod mounts.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec spark-submit --master "${SPARK_MASTER:?set SPARK_MASTER=k8s://https://host:port}" \
  --deploy-mode "${SPARK_DEPLOY_MODE:-cluster}" \
  --properties-file "$HERE/jobs/spark-defaults.conf" \
  --conf spark.kubernetes.container.image="${SPARK_PTQ_IMAGE:?set SPARK_PTQ_IMAGE to an image with Spark 4.0.x and the app jar}" \
  --class dev.sparkptq.cli.Main "${SPARK_PTQ_APP_JAR:-local:///opt/spark-ptq/spark-ptq-spark-app.jar}" "$@"
