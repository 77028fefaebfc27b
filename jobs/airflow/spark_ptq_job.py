"""The Airflow-free half of the spark-ptq DAGs: the spark-submit command line, spark-ptq's exit codes and what each
one means for a DAG run, and the error line spark-ptq prints.

It imports nothing from Airflow, so `python3 -m unittest discover -s jobs/airflow` tests it on any machine with
Python (.ci/run does). Deploy it next to the DAG files: Airflow puts the dags folder on sys.path, so
`import spark_ptq_job` works there as it does here.
"""
from __future__ import annotations

import enum
import re
from typing import Iterable, List, Mapping, NamedTuple, Optional, Sequence

# The project version in pom.xml (a test keeps them equal): it names the app jar `mvn package` builds.
SPARK_PTQ_VERSION = "0.1.0-SNAPSHOT"
APP_JAR_NAME = "spark-ptq-" + SPARK_PTQ_VERSION + "-spark-app.jar"
MAIN_CLASS = "dev.sparkptq.cli.Main"

# jobs/spark-defaults.conf as a dict (a test keeps them equal), so that a DAG deployed without the repository
# submits with the same settings as the jobs/submit-*.sh wrappers. The Kryo settings are required: spark-ptq ships
# only registered classes, and a missing registration must fail loudly rather than fall back to slow Java
# serialization.
SPARK_CONF = {
    "spark.serializer": "org.apache.spark.serializer.KryoSerializer",
    "spark.kryo.registrator": "dev.sparkptq.spark.PtqKryoRegistrator",
    "spark.kryo.registrationRequired": "true",
    "spark.kryoserializer.buffer.max": "2047m",
    "spark.task.cpus": "1",
    "spark.executor.extraJavaOptions": "-XX:+UseParallelGC",
}

PUBLISH_TASK = "publish"
NOTIFY_TASK = "notify_target_missed"


class ExitCode(enum.IntEnum):
    """spark-ptq's exit codes (src/main/java/dev/sparkptq/core/ExitCode.java; a test keeps them equal)."""

    OK = 0
    INTERNAL = 1
    CONFIG = 2
    MODEL = 3
    DATA = 4
    TARGET_MISSED = 5  # accuracy-aware quantization ended with a drop above its maximal_drop


class Action(enum.Enum):
    """What a DAG run does after spark-submit returned."""

    BRANCH = "branch"  # go on with the task named in the outcome
    FAIL = "fail"      # fail now: the config, model or data is wrong, and the same run would fail the same way
    RETRY = "retry"    # fail this try: internal errors, lost executors and killed JVMs may pass on a retry


class Outcome(NamedTuple):
    action: Action
    task_id: Optional[str]  # the next task for BRANCH, else None
    reason: str


_FAULTS = {
    ExitCode.CONFIG: "bad config or arguments",
    ExitCode.MODEL: "bad or unsupported model",
    ExitCode.DATA: "bad calibration or evaluation data",
}


def outcome(exit_code: int) -> Outcome:
    """Maps spark-submit's exit code (spark-ptq's in client deploy mode; negative when a signal ended it)."""
    if exit_code == ExitCode.OK:
        return Outcome(Action.BRANCH, PUBLISH_TASK, "quantized")
    if exit_code == ExitCode.TARGET_MISSED:
        return Outcome(Action.BRANCH, NOTIFY_TASK, "accuracy target missed")
    if exit_code in _FAULTS:
        return Outcome(Action.FAIL, None, _FAULTS[ExitCode(exit_code)])
    if exit_code == ExitCode.INTERNAL:
        return Outcome(Action.RETRY, None, "internal error (or spark-submit itself failed)")
    if exit_code < 0:
        return Outcome(Action.RETRY, None, "spark-submit was killed by signal %d" % -exit_code)
    if exit_code > 128:
        return Outcome(Action.RETRY, None, "spark-submit was killed by signal %d" % (exit_code - 128))
    return Outcome(Action.RETRY, None, "unexpected exit code %d" % exit_code)


def next_task(exit_code: int) -> str:
    """The task a branch goes to; ValueError for codes that must have failed the run before the branch."""
    o = outcome(exit_code)
    if o.action is not Action.BRANCH:
        raise ValueError("exit code %d (%s) has no branch: the quantize task should have failed" % (exit_code,
                                                                                                 o.reason))
    return o.task_id


_ERROR_PREFIXES = ("spark-ptq: error:", "spark-ptq: internal error:")


def is_error_line(line: str) -> bool:
    """True for the one line spark-ptq prints on failure (cli/Errors.java), Spark's log lines around it aside."""
    return line.lstrip().startswith(_ERROR_PREFIXES)


def error_line(lines: Iterable[str]) -> Optional[str]:
    """The last spark-ptq error line of an output, stripped, or None."""
    found = None
    for line in lines:
        if is_error_line(line):
            found = line.strip()
    return found


def failure_message(exit_code: int, error: Optional[str]) -> str:
    """One line for the task log and the failure: the code, what it means and spark-ptq's own error line."""
    o = outcome(exit_code)
    detail = error if error else "no spark-ptq error line; see the spark-submit output above"
    return "spark-ptq exited with %d (%s): %s" % (exit_code, o.reason, detail)


def run_output_dir(output_root: str, ds: str) -> str:
    """One folder per logical date, so that a rerun of a date replaces its own output and nothing else. The root may
    be a local path or a file-system URI (hdfs://namenode:8020/ptq/out, s3a://bucket/out): spark-ptq writes either."""
    return output_root.rstrip("/") + "/" + ds


_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+):")


def is_remote(path: str) -> bool:
    """True for a URI of a file system other than the local one (hdfs://, s3a://, gs://, abfs://): spark-ptq's rule
    (core/Location.java): a scheme of two or more characters other than file: (one letter is a Windows drive)."""
    m = _SCHEME.match(path)
    return bool(m) and m.group(1).lower() != "file"


def local_path(path: str) -> str:
    """A local path as spark-ptq reads it: file:///x and file:/x become /x; ValueError for a remote URI, which only
    spark-ptq (through Hadoop) and the executors read — never a local folder named after the scheme."""
    if is_remote(path):
        raise ValueError("%s is on a remote file system, not a local path" % path)
    if path.lower().startswith("file:"):
        rest = path[len("file:"):]
        return "/" + rest.lstrip("/") if rest.startswith("/") else rest
    return path


def quantize_args(config: str, output_dir: str, extra: Sequence[str] = ()) -> List[str]:
    """spark-ptq's arguments: quantize with --evaluate, so report.json carries FP32-vs-INT8 metrics."""
    return ["quantize", "--config", config, "--output-dir", output_dir, "--evaluate"] + list(extra)


def spark_submit_command(spark_submit: str, master: str, app_jar: str, app_args: Sequence[str],
                         driver_memory: str = "4g", name: str = "spark-ptq",
                         conf: Mapping[str, str] = SPARK_CONF) -> List[str]:
    """The spark-submit argv. Deploy mode is always client: only then does the driver run inside spark-submit,
    so spark-submit's exit code is spark-ptq's (in cluster mode it reports the submission, not the driver)."""
    cmd = [spark_submit, "--master", master, "--deploy-mode", "client", "--name", name,
           "--driver-memory", driver_memory, "--class", MAIN_CLASS]
    for key in sorted(conf):
        cmd += ["--conf", "%s=%s" % (key, conf[key])]
    return cmd + [app_jar] + list(app_args)
