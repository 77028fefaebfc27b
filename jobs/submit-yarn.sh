#!/usr/bin/env bash
# spark-submit wrapper for YARN (HADOOP_CONF_DIR or YARN_CONF_DIR must point at the cluster's configuration):
# jobs/submit-yarn.sh quantize -c /shared/my.json --output-dir /shared/out. spark-ptq reads and writes plain file
# paths, so the model and data must be on a file system every node mounts (and, with SPARK_DEPLOY_MODE=cluster, where
# the driver runs in the cluster, the config and output folder too).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec spark-submit --master yarn --deploy-mode "${SPARK_DEPLOY_MODE:-client}" \
  --properties-file "$HERE/jobs/spark-defaults.conf" \
  --class dev.sparkptq.cli.Main "$HERE"/target/spark-ptq-*-spark-app.jar "$@"
