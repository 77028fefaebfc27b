"""spark-ptq calibration on a schedule with SparkSubmitOperator: the plain variant, no branch (Apache Airflow 2.4+ and
apache-airflow-providers-apache-spark).

SparkSubmitOperator fails the task on every non-zero exit and does not expose the code, so here every failure,
"accuracy target missed" (5) included, fails the run after the task's retries — even a bad config (2), which no
retry fixes. Use spark_ptq_dag.py when the exit code must decide what happens next.

Deploy: copy this file and spark_ptq_job.py into the dags folder. The Spark connection `spark_default` (conn_id
below) says where to submit: host = master URL (spark://host:7077, yarn, k8s://https://host:port, local[*]) and
extra {"deploy-mode": "client"} for a driver on the Airflow worker; the worker needs `spark-submit` (Spark 4.0.x,
Scala 2.13, Java 17). Config, model, data and output are local paths on a file system the driver and executors
share, or file-system URIs (hdfs://…, s3a://… with the connector on Spark's classpath).

Parameters (DAG params; "Trigger DAG w/ config" overrides them for one run). An empty value falls back to the
Airflow Variable named `spark_ptq_<param>`; app_jar then to /opt/spark-ptq/target/spark-ptq-<version>-spark-app.jar:

    config       spark-ptq config file (JSON with comments; see conf/examples/)
    output_root  each run writes <output_root>/<ds>/ (model.onnx, report.json, statistics.json)
    app_jar      the spark-app jar from `mvn package`
"""
from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow import DAG
from airflow.models.param import Param
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

from spark_ptq_job import APP_JAR_NAME, MAIN_CLASS, SPARK_CONF, quantize_args

DEFAULT_APP_JAR = "/opt/spark-ptq/target/" + APP_JAR_NAME


def _template(name: str, default: str = "") -> str:
    """A Jinja expression for a param with its Variable fallback, rendered when the task runs."""
    return "{{ params.%s or var.value.get('spark_ptq_%s', '%s') }}" % (name, name, default)


with DAG(
    dag_id="spark_ptq_calibration_submit",
    schedule="@daily",
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,  # runs share the cluster and output_root; one calibration at a time
    dagrun_timeout=timedelta(hours=8),
    default_args={"owner": "spark-ptq"},
    params={
        "config": Param("", type="string", description="spark-ptq config file"),
        "output_root": Param("", type="string", description="runs write <output_root>/<ds>/"),
        "app_jar": Param("", type="string", description="spark-app jar; empty: Variable or default"),
    },
    doc_md=__doc__,
    tags=["spark-ptq"],
) as dag:
    SparkSubmitOperator(
        task_id="quantize",
        conn_id="spark_default",
        application=_template("app_jar", DEFAULT_APP_JAR),
        java_class=MAIN_CLASS,
        conf=dict(SPARK_CONF),  # jobs/spark-defaults.conf: Kryo with registrationRequired, ParallelGC executors
        driver_memory="4g",
        name="spark-ptq-{{ ds }}",
        application_args=quantize_args(_template("config"), _template("output_root") + "/{{ ds }}"),
        retries=2,
        retry_delay=timedelta(minutes=10),
        retry_exponential_backoff=True,
        execution_timeout=timedelta(hours=6),
    )
