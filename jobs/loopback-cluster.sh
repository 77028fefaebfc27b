#!/usr/bin/env bash
# A real Spark standalone cluster on 127.0.0.1 (one master JVM, N worker JVMs, one executor JVM per worker), built
# from the Maven-resolved Spark jars, so that spark-ptq can be tried and tested on separate JVMs without a Spark
# download. Executors read local paths as the driver does (everything is on one machine); model, data and outputs may
# also be URIs of an HDFS or object store the machine reaches (the cluster profile's test runs against an HDFS).
#
#   jobs/loopback-cluster.sh start [--workers N] [--cores C] [--memory M] [--port P]
#   jobs/loopback-cluster.sh submit SPARK-PTQ-ARGS...        e.g. submit quantize -c my.json --output-dir out
#   jobs/loopback-cluster.sh status
#   jobs/loopback-cluster.sh stop
#   jobs/loopback-cluster.sh run [start options] -- SPARK-PTQ-ARGS...   (start, submit, stop even on failure)
#
# Defaults: 2 workers, 1 core and 2g each (the executor gets all of its worker), a free master port; the driver's
# heap is $SPARK_PTQ_HEAP (default 4g), driver and executor JVM options $SPARK_PTQ_CLUSTER_JAVA_OPTS. State (pid
# files, logs, worker work dirs, Spark local dirs, temp files) lives in $SPARK_PTQ_CLUSTER_DIR, default
# target/loopback-cluster; the Spark jars are resolved once into target/spark-jars. Needs `mvn package` first
# (the app jar target/spark-ptq-<version>-spark-app.jar). Exit code of `submit`/`run`: spark-ptq's.
set -euo pipefail

HOME_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="$HOME_DIR/target"
DIR="${SPARK_PTQ_CLUSTER_DIR:-$TARGET/loopback-cluster}"
SPARK_JARS="$TARGET/spark-jars"
WAIT_SECONDS="${SPARK_PTQ_CLUSTER_TIMEOUT:-90}"
# Driver and executor JVM options. The default (C1 only) starts a JVM in about half the time, which is what short
# tries and tests on 2 cores spend most of their time on; set it to "" for long runs (full JIT).
JAVA_OPTS="${SPARK_PTQ_CLUSTER_JAVA_OPTS--XX:TieredStopAtLevel=1}"
ME="loopback-cluster"

# The flags Spark 4 needs on Java 17: the list in bin/spark-ptq (org.apache.spark.launcher.JavaModuleOptions).
SPARK_FLAGS=(-XX:+IgnoreUnrecognizedVMOptions
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  --add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true)

say() { echo "$ME: $*" >&2; }
die() { echo "$ME: error: $1" >&2; exit "${2:-1}"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# ---- Spark jars -------------------------------------------------------------------------------------------------

pom_value() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$HOME_DIR/pom.xml" | sed -n 1p; }

# Spark's own dependency tree (what a Spark distribution's jars/ holds), resolved by Maven from a throwaway pom.
# Not target/lib: that also holds spark-ptq's own dependencies (ONNX Runtime, protobuf, tokenizers), which would
# sit on every executor's system class path and hide a broken app jar.
ensure_spark_jars() {
  local version scala stamp pom
  version="$(pom_value spark.version)"
  scala="$(grep -o 'spark-sql_[0-9.]*' "$HOME_DIR/pom.xml" | sed -n 1p | sed 's/spark-sql_//')"
  [ -n "$version" ] && [ -n "$scala" ] || die "cannot read spark.version and the Scala suffix of spark-sql from $HOME_DIR/pom.xml"
  SCALA_VERSION="$scala"
  stamp="spark-sql_$scala:$version"
  if [ -f "$SPARK_JARS/.resolved" ] && [ "$(cat "$SPARK_JARS/.resolved")" = "$stamp" ]; then
    return
  fi
  command -v mvn >/dev/null 2>&1 || die "Maven (mvn) is needed once to resolve the Spark jars; install it and retry"
  say "resolving Spark $version (Scala $scala) jars into $SPARK_JARS"
  pom="$TARGET/spark-jars-pom"
  rm -rf "$SPARK_JARS" "$pom"
  mkdir -p "$pom"
  cat >"$pom/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.loopback</groupId><artifactId>spark-jars</artifactId><version>0</version><packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.spark</groupId><artifactId>spark-sql_$scala</artifactId><version>$version</version></dependency>
  </dependencies>
</project>
EOF
  local goal=(org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies "-DoutputDirectory=$SPARK_JARS")
  # offline first (fast when the project was built); online if something is missing from the local repository
  if ! (cd "$pom" && mvn -B -q -o "${goal[@]}" >"$pom/build.log" 2>&1) \
      && ! (cd "$pom" && mvn -B -q "${goal[@]}" >"$pom/build.log" 2>&1); then
    die "resolving the Spark jars failed; see $pom/build.log"
  fi
  echo "$stamp" >"$SPARK_JARS/.resolved"
  rm -rf "$pom"
}

app_jar() {
  local jars=("$TARGET"/spark-ptq-*-spark-app.jar)
  [ -f "${jars[0]}" ] || die "no app jar target/spark-ptq-<version>-spark-app.jar; build it with 'mvn -B package -DskipTests' in $HOME_DIR"
  [ "${#jars[@]}" -eq 1 ] || die "several app jars in $TARGET (${jars[*]##*/}); remove the stale ones or run 'mvn clean package -DskipTests'"
  echo "${jars[0]}"
}

# ---- processes ----------------------------------------------------------------------------------------------------

# Every JVM of this cluster (master, workers, executors, driver) has its java.io.tmpdir in the cluster's folder: a pid
# is ours when it is alive and its command line says so (this also guards against pid reuse).
MARKER="-Djava.io.tmpdir=$DIR/tmp"
ours() {
  [ -n "$1" ] && kill -0 "$1" 2>/dev/null && grep -qsF -e "$MARKER" "/proc/$1/cmdline"
}

pid_of() { cat "$DIR/pids/$1.pid" 2>/dev/null || true; }

running_master() {
  local pid
  pid="$(pid_of master)"
  ours "$pid" && echo "$pid"
}

# Starts a JVM in its own session (so a Ctrl-C meant for a later command does not reach it), output to logs/NAME.log.
launch() {
  local name="$1"
  shift
  setsid "$@" >"$DIR/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$DIR/pids/$name.pid"
}

# Waits until the log of NAME has a line matching the sed expression; prints the captured group.
await_log() {
  local name="$1" expr="$2" what="$3" deadline value
  deadline=$((SECONDS + WAIT_SECONDS))
  while [ $SECONDS -lt $deadline ]; do
    value="$(sed -n "$expr" "$DIR/logs/$name.log" | sed -n 1p)"
    if [ -n "$value" ]; then
      echo "$value"
      return
    fi
    ours "$(pid_of "$name")" || { tail -n 20 "$DIR/logs/$name.log" >&2; die "the $name JVM exited before $what; its log is above ($DIR/logs/$name.log)"; }
    sleep 0.2
  done
  die "no $what after ${WAIT_SECONDS}s; see $DIR/logs/$name.log"
}

http_get() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsS --max-time 5 "http://127.0.0.1:$1$2" 2>/dev/null || true
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$1" && printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$2" >&3 && cat <&3) 2>/dev/null || true
  fi
}

alive_workers() {
  http_get "$1" /json/ | tr -d ' \n' | sed -n 's/.*"aliveworkers":\([0-9]*\).*/\1/p'
}

await_workers() {
  local ui="$1" n="$2" deadline alive="" i
  deadline=$((SECONDS + WAIT_SECONDS))
  while [ $SECONDS -lt $deadline ]; do
    alive="$(alive_workers "$ui")"
    [ "${alive:-0}" -ge "$n" ] && return
    for i in $(seq 1 "$n"); do
      ours "$(pid_of "worker-$i")" || { tail -n 20 "$DIR/logs/worker-$i.log" >&2; die "worker $i exited while starting; its log is above ($DIR/logs/worker-$i.log)"; }
    done
    sleep 0.3
  done
  die "only ${alive:-0} of $n workers registered with the master after ${WAIT_SECONDS}s; see $DIR/logs/"
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Every JVM of this cluster, found in the process table (so that a lost pid file, e.g. after `mvn clean`, leaves
# nothing behind): master, workers, the executors the workers launched, a running driver.
cluster_pids() {
  local f pid
  for f in $(grep -lsF -e "$MARKER" /proc/[0-9]*/cmdline 2>/dev/null); do
    pid="${f#/proc/}"
    pid="${pid%/cmdline}"
    if ours "$pid"; then
      echo "$pid"
    fi
  done
}

# ---- commands -----------------------------------------------------------------------------------------------------

parse_start() {
  WORKERS=2 CORES=1 MEMORY=2g PORT=0
  while [ $# -gt 0 ]; do
    case "$1" in
      --workers) WORKERS="${2:?--workers needs a number}"; shift 2 ;;
      --cores) CORES="${2:?--cores needs a number}"; shift 2 ;;
      --memory) MEMORY="${2:?--memory needs a size such as 2g}"; shift 2 ;;
      --port) PORT="${2:?--port needs a number}"; shift 2 ;;
      *) die "unknown start option '$1'; options are --workers N, --cores C, --memory M (e.g. 2g), --port P" 2 ;;
    esac
  done
  [[ "$WORKERS" =~ ^[1-9][0-9]*$ ]] || die "--workers must be a positive integer, got '$WORKERS'" 2
  [[ "$CORES" =~ ^[1-9][0-9]*$ ]] || die "--cores must be a positive integer, got '$CORES'" 2
  [[ "$MEMORY" =~ ^[1-9][0-9]*[mMgG]$ ]] || die "--memory must be a size such as 2g or 1536m, got '$MEMORY'" 2
  [[ "$PORT" =~ ^[0-9]+$ ]] || die "--port must be a port number, got '$PORT'" 2
}

cmd_start() {
  parse_start "$@"
  local pid t0 url ui i
  if pid="$(running_master)"; then
    die "a loopback cluster is already running ($(cat "$DIR/master.url" 2>/dev/null), master pid $pid); stop it first with jobs/loopback-cluster.sh stop"
  fi
  [ "$PORT" = 0 ] || ! port_busy "$PORT" || die "port $PORT on 127.0.0.1 is in use; pick another --port or omit it for a free one"
  t0="$(now)"
  ensure_spark_jars
  cmd_stop >/dev/null 2>&1 || true   # leftovers of a crashed cluster
  # only what this script creates: SPARK_PTQ_CLUSTER_DIR may point at a folder that holds other things too
  rm -rf "$DIR/pids" "$DIR/logs" "$DIR/work" "$DIR/local" "$DIR/tmp" "$DIR/spark-home"
  mkdir -p "$DIR/pids" "$DIR/logs" "$DIR/work" "$DIR/local" "$DIR/tmp" "$DIR/spark-home/conf"
  ln -s "$SPARK_JARS" "$DIR/spark-home/jars"   # the workers build executor class paths from SPARK_HOME/jars

  export SPARK_HOME="$DIR/spark-home" SPARK_SCALA_VERSION="$SCALA_VERSION" SPARK_LOCAL_IP=127.0.0.1
  export TMPDIR="$DIR/tmp"
  local jvm=(java "${SPARK_FLAGS[@]}" -XX:TieredStopAtLevel=1 -Xmx512m "-Djava.io.tmpdir=$DIR/tmp" -cp "$DIR/spark-home/conf:$DIR/spark-home/jars/*")
  launch master "${jvm[@]}" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$PORT" --webui-port 0
  url="$(await_log master 's/.*Starting Spark master at \(spark:[^ ]*\).*/\1/p' "the master URL")"
  ui="$(await_log master "s/.*Successfully started service 'MasterUI' on port \([0-9]*\).*/\1/p" "the master web UI port")"
  echo "$url" >"$DIR/master.url"
  echo "$ui" >"$DIR/master-ui.port"
  echo "$MEMORY" >"$DIR/executor.memory"
  for i in $(seq 1 "$WORKERS"); do
    mkdir -p "$DIR/work/worker-$i" "$DIR/local/worker-$i"
    SPARK_LOCAL_DIRS="$DIR/local/worker-$i" launch "worker-$i" "${jvm[@]}" org.apache.spark.deploy.worker.Worker \
      --host 127.0.0.1 --webui-port 0 --cores "$CORES" --memory "$MEMORY" --work-dir "$DIR/work/worker-$i" "$url"
  done
  await_workers "$ui" "$WORKERS"
  say "master $url (pid $(pid_of master), web UI http://127.0.0.1:$ui)"
  for i in $(seq 1 "$WORKERS"); do
    say "worker $i pid $(pid_of "worker-$i") ($CORES cores, $MEMORY)"
  done
  say "started $WORKERS workers in $(since "$t0")s; state in $DIR"
}

cmd_submit() {
  local jar url t0 code=0
  [ -n "$(running_master)" ] || die "no loopback cluster is running; start one with jobs/loopback-cluster.sh start"
  jar="$(app_jar)"
  url="$(cat "$DIR/master.url")"
  mkdir -p "$DIR/tmp/driver" "$DIR/tmp/executors"
  t0="$(now)"
  # Executors inherit TMPDIR and SPARK_EXECUTOR_DIRS from their worker; java.io.tmpdir (where ONNX Runtime unpacks
  # its native library) is set here so that nothing lands in /tmp.
  SPARK_LOCAL_IP=127.0.0.1 TMPDIR="$DIR/tmp/driver" java "${SPARK_FLAGS[@]}" $JAVA_OPTS -Xmx"${SPARK_PTQ_HEAP:-4g}" \
    "-Djava.io.tmpdir=$DIR/tmp/driver" "-Dlog4j2.configurationFile=$HOME_DIR/conf/log4j2.properties" \
    -cp "$SPARK_JARS/*" org.apache.spark.deploy.SparkSubmit --master "$url" --deploy-mode client \
    --properties-file "$HOME_DIR/jobs/spark-defaults.conf" --executor-memory "$(cat "$DIR/executor.memory")" \
    --conf "spark.executor.extraJavaOptions=$JAVA_OPTS -Djava.io.tmpdir=$DIR/tmp/executors" \
    --class dev.sparkptq.cli.Main "$jar" "$@" </dev/null &
  DRIVER_PID=$!
  echo "$DRIVER_PID" >"$DIR/pids/driver.pid"
  # the driver runs in the background so that INT/TERM reach this script at once; pass them on to the driver
  trap 'kill -TERM "$DRIVER_PID" 2>/dev/null || true' INT TERM
  wait "$DRIVER_PID" || code=$?
  while kill -0 "$DRIVER_PID" 2>/dev/null; do   # wait was interrupted by a signal: wait for the driver's own end
    code=0
    wait "$DRIVER_PID" || code=$?
  done
  trap - INT TERM
  rm -f "$DIR/pids/driver.pid"
  say "submit finished with exit code $code in $(since "$t0")s"
  return "$code"
}

cmd_status() {
  local pid
  if pid="$(running_master)"; then
    echo "running: $(cat "$DIR/master.url") (master pid $pid), $(alive_workers "$(cat "$DIR/master-ui.port")") alive workers, web UI http://127.0.0.1:$(cat "$DIR/master-ui.port")"
  else
    echo "not running"
  fi
}

cmd_stop() {
  local pids pid deadline left t0
  t0="$(now)"
  pids="$(cluster_pids | tr '\n' ' ')"
  if [ -z "${pids// /}" ]; then
    rm -rf "$DIR/pids"
    say "no loopback cluster is running"
    return 0
  fi
  # a running driver, the workers (their shutdown kills their executors), the master, then any other JVM of the
  # cluster; KILL what is left after 20 s
  for pid in $(pid_of driver) $(cat "$DIR"/pids/worker-*.pid 2>/dev/null) $(pid_of master) $pids; do
    ours "$pid" && kill -TERM "$pid" 2>/dev/null || true
  done
  deadline=$((SECONDS + 20))
  while :; do
    left=""
    for pid in $pids; do
      ours "$pid" && left="$left $pid"
    done
    [ -z "$left" ] && break
    if [ $SECONDS -ge $deadline ]; then
      say "killing JVMs that did not stop:$left"
      for pid in $left; do
        kill -KILL "$pid" 2>/dev/null || true
      done
      sleep 0.5
      break
    fi
    sleep 0.2
  done
  rm -rf "$DIR/pids" "$DIR/local" "$DIR/tmp" "$DIR/spark-home" "$DIR/master.url" "$DIR/master-ui.port" "$DIR/executor.memory"
  # executors keep a copy of the app jar each (~50 MB); keep their logs, drop the jars
  find "$DIR/work" -name '*.jar' -delete 2>/dev/null || true
  say "stopped (JVMs ${pids% }) in $(since "$t0")s; logs in $DIR/logs and $DIR/work"
}

cmd_run() {
  local start_args=() code=0
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    start_args+=("$1")
    shift
  done
  [ $# -gt 0 ] || die "usage: jobs/loopback-cluster.sh run [--workers N] [--cores C] [--memory M] [--port P] -- SPARK-PTQ-ARGS..." 2
  shift
  [ $# -gt 0 ] || die "nothing to submit after '--'; e.g. run -- quantize -c my.json --output-dir out" 2
  if [ -n "$(running_master)" ]; then
    die "a loopback cluster is already running ($(cat "$DIR/master.url")); 'run' starts its own: stop it first, or use 'submit'"
  fi
  trap 'cmd_stop' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  cmd_start "${start_args[@]}"
  cmd_submit "$@" || code=$?
  return "$code"
}

case "${1:-}" in
  start) shift; cmd_start "$@" ;;
  submit) shift; [ $# -gt 0 ] || die "usage: jobs/loopback-cluster.sh submit SPARK-PTQ-ARGS... (e.g. quantize -c my.json)" 2; cmd_submit "$@" ;;
  stop) shift; cmd_stop ;;
  status) shift; cmd_status ;;
  run) shift; cmd_run "$@" ;;
  *) die "usage: jobs/loopback-cluster.sh start [--workers N] [--cores C] [--memory M] [--port P] | submit ARGS... | status | stop | run [start options] -- ARGS..." 2 ;;
esac
