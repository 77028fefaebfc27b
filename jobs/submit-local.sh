#!/usr/bin/env bash
# spark-submit wrapper for a local master; arguments after the script go to spark-ptq (e.g. quantize --config X).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec spark-submit --master "${SPARK_MASTER:-local[*]}" --properties-file "$HERE/jobs/spark-defaults.conf" \
  --class dev.sparkptq.cli.Main "$HERE"/target/spark-ptq-*-spark-app.jar "$@"
