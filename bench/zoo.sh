#!/usr/bin/env bash
# The zoo table: makes each model's calibration/held-out data with its real preprocessing (kept in target/zoo-data),
# runs `bin/spark-ptq quantize -q default` (or `-q accuracy_aware --max-drop X` with --max-drop X) on every model of
# ../shared/models/zoo plus SqueezeNet, MNIST-8 and YOLOX-nano, and measures each result with
# `bin/spark-ptq benchmark evaluate` (per-output cosine/SQNR/argmax to FP32 on held-out data, interleaved one-thread
# latency). Prints one Markdown row per model; JSON in target/zoo-out/zoo-<mode>.json.
# Options (see ZooMain): --models a,b --calib N --eval N --max-drop X --samples N --rounds R --data DIR --out DIR
#   --data-only
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "$(find target/test-classes/dev/sparkptq/zoo -name ZooMain.class 2>/dev/null)" ] \
   || [ -n "$(find src -newer target/test-classes/dev/sparkptq/zoo/ZooMain.class -name '*.java' -print -quit)" ]; then
  mvn -B -q test-compile >&2
fi
[ -d target/lib ] || mvn -B -q package -DskipTests >&2
exec java -Xmx4g -Djava.awt.headless=true -cp "target/test-classes:target/classes:target/lib/*" \
  dev.sparkptq.zoo.ZooMain --project "$PWD" "$@"
