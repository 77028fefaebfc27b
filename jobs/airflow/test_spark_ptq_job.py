"""Unit tests of spark_ptq_job (no Airflow needed): python3 -m unittest discover -s jobs/airflow -p 'test_*.py'.

The expected exit codes, Spark settings and version are read from the files they must agree with (core/ExitCode.java,
jobs/spark-defaults.conf, pom.xml), not from the module under test.
"""
import re
import unittest
from pathlib import Path

import spark_ptq_job as job
from spark_ptq_job import Action

REPO = Path(__file__).resolve().parents[2]


def java_exit_codes():
    text = (REPO / "src/main/java/dev/sparkptq/core/ExitCode.java").read_text(encoding="utf-8")
    return {name: int(code) for name, code in re.findall(r"\b([A-Z_]+)\((\d+)\)", text)}


def spark_defaults():
    conf = {}
    for line in (REPO / "jobs/spark-defaults.conf").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, value = line.split(None, 1)
            conf[key] = value.strip()
    return conf


class ExitCodeMappingTest(unittest.TestCase):
    def test_success_branches_to_publish(self):
        self.assertEqual(job.outcome(0).action, Action.BRANCH)
        self.assertEqual(job.next_task(0), "publish")

    def test_target_missed_branches_to_notify(self):
        self.assertEqual(job.outcome(5).action, Action.BRANCH)
        self.assertEqual(job.next_task(5), "notify_target_missed")

    def test_config_model_and_data_errors_fail_without_retry(self):
        for code in (2, 3, 4):
            with self.subTest(code=code):
                self.assertEqual(job.outcome(code), (Action.FAIL, None, job.outcome(code).reason))
                self.assertIsNone(job.outcome(code).task_id)

    def test_internal_errors_signals_and_unknown_codes_fail_with_retry(self):
        for code in (1, 6, 42, 127, 137, 143, -9, -15):
            with self.subTest(code=code):
                self.assertEqual(job.outcome(code).action, Action.RETRY)
                self.assertIsNone(job.outcome(code).task_id)

    def test_a_signal_is_named_whether_reported_by_the_shell_or_by_subprocess(self):
        self.assertIn("signal 9", job.outcome(137).reason)
        self.assertIn("signal 9", job.outcome(-9).reason)
        self.assertIn("signal 15", job.outcome(143).reason)

    def test_codes_without_a_branch_are_refused_by_the_branch(self):
        for code in (1, 2, 3, 4, 137):
            with self.subTest(code=code):
                with self.assertRaisesRegex(ValueError, "exit code %d" % code):
                    job.next_task(code)

    def test_exit_codes_match_the_java_enum(self):
        self.assertEqual({"OK": 0, "INTERNAL": 1, "CONFIG": 2, "MODEL": 3, "DATA": 4, "TARGET_MISSED": 5},
                         java_exit_codes())
        self.assertEqual(java_exit_codes(), {c.name: c.value for c in job.ExitCode})

    def test_every_java_exit_code_has_a_defined_outcome(self):
        expected = {"OK": Action.BRANCH, "TARGET_MISSED": Action.BRANCH, "CONFIG": Action.FAIL,
                    "MODEL": Action.FAIL, "DATA": Action.FAIL, "INTERNAL": Action.RETRY}
        for name, code in java_exit_codes().items():
            with self.subTest(name=name):
                self.assertEqual(expected[name], job.outcome(code).action)


class ErrorLineTest(unittest.TestCase):
    OUTPUT = [
        "25/01/02 03:04:05 INFO SparkContext: Running Spark version 4.0.1",
        "[spark-ptq] loading model /data/m.onnx",
        "spark-ptq: error: config /data/c.json: 1 problem: engine.data_source: /data/x does not exist",
        "25/01/02 03:04:06 INFO ShutdownHookManager: Shutdown hook called",
    ]

    def test_finds_spark_ptqs_line_among_spark_log_lines(self):
        self.assertEqual(self.OUTPUT[2], job.error_line(self.OUTPUT))

    def test_finds_internal_errors_and_keeps_the_last_line(self):
        lines = ["spark-ptq: error: first", "  spark-ptq: internal error: IllegalStateException: boom  \n"]
        self.assertEqual("spark-ptq: internal error: IllegalStateException: boom", job.error_line(lines))

    def test_none_without_an_error_line(self):
        self.assertIsNone(job.error_line(["[spark-ptq] wrote out/model.onnx", "INFO spark-ptq: errors: 0"]))

    def test_failure_message_names_code_meaning_and_error(self):
        message = job.failure_message(4, "spark-ptq: error: sample 7 has NaN")
        self.assertEqual("spark-ptq exited with 4 (bad calibration or evaluation data): "
                         "spark-ptq: error: sample 7 has NaN", message)

    def test_failure_message_without_an_error_line_points_at_the_log(self):
        self.assertIn("see the spark-submit output above", job.failure_message(137, None))


class SparkSubmitCommandTest(unittest.TestCase):
    def test_spark_conf_matches_jobs_spark_defaults(self):
        self.assertEqual(spark_defaults(), job.SPARK_CONF)
        self.assertEqual("true", spark_defaults()["spark.kryo.registrationRequired"])

    def test_version_and_jar_name_match_the_pom(self):
        pom = (REPO / "pom.xml").read_text(encoding="utf-8")
        version = re.search(r"<artifactId>spark-ptq</artifactId>\s*<version>([^<]+)</version>", pom).group(1)
        self.assertEqual(version, job.SPARK_PTQ_VERSION)
        self.assertEqual("spark-ptq-%s-spark-app.jar" % version, job.APP_JAR_NAME)

    def test_main_class_is_the_cli(self):
        source = REPO / "src/main/java" / (job.MAIN_CLASS.replace(".", "/") + ".java")
        self.assertIn("public static void main(String[] argv)", source.read_text(encoding="utf-8"))

    def test_command_runs_the_cli_in_client_mode_with_every_setting(self):
        args = job.quantize_args("/c.json", job.run_output_dir("/out/", "2025-01-02"), ["--threads", "2"])
        cmd = job.spark_submit_command("/spark/bin/spark-submit", "spark://m:7077", "/jars/app.jar", args,
                                       driver_memory="6g", name="spark-ptq-2025-01-02")
        self.assertEqual(["/spark/bin/spark-submit", "--master", "spark://m:7077", "--deploy-mode", "client",
                          "--name", "spark-ptq-2025-01-02", "--driver-memory", "6g",
                          "--class", "dev.sparkptq.cli.Main"], cmd[:11])
        confs = [cmd[i + 1] for i, a in enumerate(cmd) if a == "--conf"]
        self.assertEqual(sorted("%s=%s" % kv for kv in spark_defaults().items()), confs)
        jar = cmd.index("/jars/app.jar")
        self.assertEqual(["quantize", "--config", "/c.json", "--output-dir", "/out/2025-01-02", "--evaluate",
                          "--threads", "2"], cmd[jar + 1:])
        self.assertEqual(cmd[jar - 1], confs[-1])


class LocationsTest(unittest.TestCase):
    def test_uris_pass_through_to_spark_ptq_unchanged(self):
        out = job.run_output_dir("hdfs://nn:8020/ptq/out/", "2025-01-02")
        self.assertEqual("hdfs://nn:8020/ptq/out/2025-01-02", out)
        args = job.quantize_args("s3a://bucket/conf/c.json", out)
        self.assertEqual(["quantize", "--config", "s3a://bucket/conf/c.json", "--output-dir",
                          "hdfs://nn:8020/ptq/out/2025-01-02", "--evaluate"], args)

    def test_remote_uris_follow_spark_ptqs_rule(self):
        for uri in ("hdfs://nn:8020/x", "s3a://b/x", "gs://b/x", "abfss://c@a.dfs.core.windows.net/x",
                    "viewfs://cluster/x"):
            self.assertTrue(job.is_remote(uri), uri)
        for local in ("/data/out", "out", "file:///data/out", "C:\\data\\out", "./hdfs-like-name"):
            self.assertFalse(job.is_remote(local), local)

    def test_local_paths_never_come_from_a_remote_uri(self):
        self.assertEqual("/data/out", job.local_path("file:///data/out"))
        self.assertEqual("/data/out", job.local_path("file:/data/out"))
        self.assertEqual("rel/out", job.local_path("rel/out"))
        with self.assertRaises(ValueError):
            job.local_path("hdfs://nn:8020/out")


if __name__ == "__main__":
    unittest.main()
