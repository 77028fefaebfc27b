"""spark-ptq calibration on a schedule (Apache Airflow 2.4+), branching on spark-ptq's exit code.

    quantize ──► route ──► publish                 exit code 0
                      └──► notify_target_missed    exit code 5 (accuracy target missed)
    any other exit code fails `quantize`, with spark-ptq's one-line error in the log and as the failure message:
    2 / 3 / 4 (config, model, data) at once, since a retry would fail the same way; 1, signals and anything
    else after the task's retries (internal errors, lost executors and killed JVMs can be transient).

Deploy: copy this file and spark_ptq_job.py into the dags folder. The worker that runs `quantize` needs
`spark-submit` (Spark 4.0.x, Scala 2.13, Java 17) and the app jar from `mvn package`. Config, model, data and output
are local paths or file-system URIs (hdfs://namenode:8020/ptq/calib, s3a://bucket/…, with the connector on Spark's
classpath): the driver reads the config, the model, a text reader's tokenizer and a label index file; the executors
read the data (tables, and folders of images, NPY or JSON files through Spark's binaryFile source); the outputs are
written atomically wherever output_root points. A local path must then be on a file system the driver and executors
share. Batched NPY files (batch_axis true) are read from local paths only, and AccuracyAwareQuantization does not
take the table reader (exit 2 before any job).

Parameters (DAG params; "Trigger DAG w/ config" overrides them for one run). An empty value falls back to the
Airflow Variable named `spark_ptq_<param>`, then to the default shown:

    config         spark-ptq config file (JSON with comments; see conf/examples/)           required
    output_root    each run writes <output_root>/<ds>/ (model.onnx, report.json,           required
                   statistics.json); a rerun of a date replaces that date's folder; a
                   local path or a URI (hdfs://…, s3a://…)
    app_jar        the spark-app jar                    /opt/spark-ptq/target/spark-ptq-<version>-spark-app.jar
    master         Spark master URL: spark://host:7077, yarn, k8s://https://host:port      local[*]
    spark_submit   spark-submit executable                                                  spark-submit (on PATH)
    driver_memory  driver heap (the driver merges statistics and rewrites the model)        4g
    extra_args     more spark-ptq arguments, e.g. ["--threads", "2"], or ["--statistics",   []
                   "hdfs://nn:8020/ptq/out/2026-01-01/statistics.json"] to reuse an earlier
                   run's statistics (a list; no Variable)
    publish_dir    `publish` copies the run's files to <publish_dir>/<ds>/ (local outputs;  (none)
                   with a URI output_root, point output_root at the published place
                   instead); empty: it only checks and logs the output
    notify_email   comma-separated addresses `notify_target_missed` mails (Airflow's        (none)
                   SMTP settings); empty: it only logs a warning

Why not SparkSubmitOperator here: it raises the same AirflowException for every non-zero exit and does not expose
the code, so it cannot tell "accuracy target missed" (5, a result to act on) from a crash. `quantize` therefore runs
spark-submit itself (subprocess, client deploy mode, the Spark settings of jobs/spark-defaults.conf) and returns the
code, which a @task.branch maps with spark_ptq_job.outcome(). spark_ptq_submit_dag.py is the plain variant with
SparkSubmitOperator, for when any failure may simply fail the run.
"""
from __future__ import annotations

import logging
import os
import shlex
import shutil
import signal
import subprocess
from datetime import timedelta
from pathlib import Path

import pendulum
from airflow.decorators import dag, task
from airflow.exceptions import AirflowException, AirflowFailException
from airflow.models import Variable
from airflow.models.param import Param

from spark_ptq_job import (APP_JAR_NAME, NOTIFY_TASK, PUBLISH_TASK, Action, failure_message, is_error_line,
                           is_remote, local_path, next_task, outcome, quantize_args, run_output_dir,
                           spark_submit_command)

log = logging.getLogger(__name__)

SCHEDULE = "@daily"
DEFAULTS = {
    "app_jar": "/opt/spark-ptq/target/" + APP_JAR_NAME,
    "master": "local[*]",
    "spark_submit": "spark-submit",
    "driver_memory": "4g",
}
# spark-submit gets this long to stop after SIGTERM (timeout, task killed) before SIGKILL
STOP_GRACE_SECONDS = 30


def _setting(params, name: str, default: str | None = None) -> str:
    """DAG param, else Variable spark_ptq_<name>, else the default; read at run time (no database access while the
    scheduler parses this file)."""
    value = (params or {}).get(name) or Variable.get("spark_ptq_" + name, default_var=None) or default
    if not value:
        raise AirflowFailException("spark-ptq DAG: set the DAG param '%s' or the Airflow Variable spark_ptq_%s"
                                   % (name, name))
    return value


def _optional(params, name: str) -> str:
    return (params or {}).get(name) or Variable.get("spark_ptq_" + name, default_var="")


def _stop(proc: subprocess.Popen) -> None:
    """Ends spark-submit's process group (the driver JVM with it): SIGTERM, then SIGKILL after the grace period."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=STOP_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    except ProcessLookupError:
        pass


def _run(command: list[str]) -> tuple[int, str | None]:
    """Runs spark-submit with its output (stdout and stderr, in order) in the task log; returns its exit code and
    spark-ptq's last error line. A timeout or a kill of the task interrupts the loop, and `finally` stops the
    driver, so no orphaned Spark application keeps running."""
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace",
                            start_new_session=True)
    error = None
    try:
        for line in proc.stdout:
            line = line.rstrip("\n")
            log.info("%s", line)
            if is_error_line(line):
                error = line.strip()
        return proc.wait(), error
    finally:
        if proc.poll() is None:
            _stop(proc)


@dag(
    dag_id="spark_ptq_calibration",
    schedule=SCHEDULE,
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,  # runs share the cluster and output_root; one calibration at a time
    dagrun_timeout=timedelta(hours=8),
    default_args={"owner": "spark-ptq", "retries": 0},
    params={
        "config": Param("", type="string", description="spark-ptq config file"),
        "output_root": Param("", type="string", description="runs write <output_root>/<ds>/"),
        "app_jar": Param("", type="string", description="spark-app jar; empty: Variable or default"),
        "master": Param("", type="string", description="Spark master URL; empty: Variable or local[*]"),
        "spark_submit": Param("", type="string", description="spark-submit executable"),
        "driver_memory": Param("", type="string", description="driver heap, e.g. 4g"),
        "extra_args": Param([], type="array", items={"type": "string"}, description="more spark-ptq arguments"),
        "publish_dir": Param("", type="string", description="publish copies the run's files here"),
        "notify_email": Param("", type="string", description="addresses mailed when the target is missed"),
    },
    doc_md=__doc__,
    tags=["spark-ptq"],
)
def spark_ptq_calibration():
    # multiple_outputs=False: one XCom holding the dict (a `-> dict` annotation would otherwise split it into keys)
    @task(task_id="quantize", multiple_outputs=False, retries=2, retry_delay=timedelta(minutes=10),
          retry_exponential_backoff=True, execution_timeout=timedelta(hours=6))
    def quantize(ds=None, params=None) -> dict:
        output_dir = run_output_dir(_setting(params, "output_root"), ds)
        args = quantize_args(_setting(params, "config"), output_dir, (params or {}).get("extra_args") or [])
        command = spark_submit_command(_setting(params, "spark_submit", DEFAULTS["spark_submit"]),
                                       _setting(params, "master", DEFAULTS["master"]),
                                       _setting(params, "app_jar", DEFAULTS["app_jar"]), args,
                                       driver_memory=_setting(params, "driver_memory", DEFAULTS["driver_memory"]),
                                       name="spark-ptq-" + ds)
        log.info("running %s", shlex.join(command))
        code, error = _run(command)
        result = outcome(code)
        if result.action is not Action.BRANCH:
            message = failure_message(code, error)
            log.error("%s", message)
            if result.action is Action.FAIL:
                raise AirflowFailException(message)  # no retry: the same inputs fail the same way
            raise AirflowException(message)
        log.info("spark-ptq exited with %d (%s); output in %s", code, result.reason, output_dir)
        return {"exit_code": code, "output_dir": output_dir}

    @task.branch(task_id="route")
    def route(result: dict) -> str:
        return next_task(result["exit_code"])

    @task(task_id=PUBLISH_TASK, retries=2, retry_delay=timedelta(minutes=2), execution_timeout=timedelta(minutes=30))
    def publish(result: dict, ds=None, params=None) -> str:
        if is_remote(result["output_dir"]):
            # spark-ptq published it there atomically (report.json last); this worker may have no Hadoop client
            if _optional(params, "publish_dir"):
                raise AirflowFailException("publish_dir copies local outputs; %s is on a remote file system: point "
                                           "output_root at the published location instead" % result["output_dir"])
            log.info("the quantized model is in %s", result["output_dir"])
            return result["output_dir"]
        out = Path(local_path(result["output_dir"]))
        missing = [n for n in ("model.onnx", "report.json") if not (out / n).is_file()]
        if missing:
            raise AirflowFailException("spark-ptq exited with 0 but %s lacks %s" % (out, ", ".join(missing)))
        target = _optional(params, "publish_dir")
        if not target:
            log.info("publish_dir is not set: the quantized model stays in %s", out)
            return str(out)
        # copy into a hidden sibling, then rename: readers of <publish_dir>/<ds> never see half a model
        dest = Path(target) / ds
        staging = Path(target) / (".%s.partial" % ds)
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        for f in sorted(out.iterdir()):
            if f.is_file():
                shutil.copy2(f, staging / f.name)
        shutil.rmtree(dest, ignore_errors=True)  # a rerun of this date replaces its earlier publication
        staging.rename(dest)
        log.info("published %s to %s", out, dest)
        return str(dest)

    @task(task_id=NOTIFY_TASK, retries=1, execution_timeout=timedelta(minutes=10))
    def notify_target_missed(result: dict, ds=None, params=None) -> None:
        where = result["output_dir"]
        if not is_remote(where):
            out = Path(local_path(where))
            where = out / "report.json" if (out / "report.json").is_file() else out
        message = "spark-ptq missed its accuracy target for %s: nothing was published; see %s" % (ds, where)
        log.warning("%s", message)
        to = _optional(params, "notify_email")
        if to:
            from airflow.utils.email import send_email
            send_email(to=[a.strip() for a in to.split(",") if a.strip()],
                       subject="spark-ptq: accuracy target missed (%s)" % ds, html_content=message)

    result = quantize()
    route(result) >> [publish(result), notify_target_missed(result)]


spark_ptq_calibration()
