#!/usr/bin/env bash
# spark-submit wrapper for a Spark standalone cluster: SPARK_MASTER=spark://host:7077 jobs/submit-standalone.sh
# quantize -c my.json --output-dir /shared/out. Executors must read the model and data paths (a shared file system).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec spark-submit --master "${SPARK_MASTER:?set SPARK_MASTER=spark://host:7077}" \
  --deploy-mode "${SPARK_DEPLOY_MODE:-client}" --properties-file "$HERE/jobs/spark-defaults.conf" \
  --class dev.sparkptq.cli.Main "$HERE"/target/spark-ptq-*-spark-app.jar "$@"
