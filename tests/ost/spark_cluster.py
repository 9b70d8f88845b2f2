"""A standalone Spark cluster on this machine: a master and workers, each its own Java
process, for testing and measuring the distributed path of the OST pipeline.

An existing cluster needs none of this: pass its master URL (``spark://host:7077``) to
``ost compute --engine spark --spark-master …``. Here, for example::

    with standalone_cluster(workers=2) as master, spark_session(master) as spark:
        result = compute_folder(Path("synthetic/"), engine="spark", spark=spark)
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from missionmonitor.errors import SparkUnavailableError

#: How long the master and its workers may take to come up.
START_TIMEOUT = 90


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _spark_class() -> Path:
    try:
        import pyspark
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise SparkUnavailableError(
            "Spark is not installed: pip install 'missionmonitor[spark]' (needs Java 17+)"
        ) from exc
    found = Path(pyspark.__file__).parent / "bin" / "spark-class"
    if not found.exists() or shutil.which("java") is None:
        raise SparkUnavailableError("a standalone cluster needs pyspark's spark-class and Java")
    return found


@contextmanager
def standalone_cluster(
    workers: int = 2, cores: int = 1, memory: str = "1g", work_dir: Path | None = None
) -> Iterator[str]:
    """Start a master and ``workers`` workers on 127.0.0.1 and yield the master's URL once
    every worker has registered; stop them all afterwards."""
    spark_class = _spark_class()
    port, ui = _free_port(), _free_port()
    env = {**os.environ, "SPARK_LOCAL_IP": "127.0.0.1", "SPARK_NO_DAEMONIZE": "1"}
    logs = open(os.devnull, "wb")  # noqa: SIM115 - closed with the processes below
    started: list[subprocess.Popen[bytes]] = []
    master = f"spark://127.0.0.1:{port}"
    try:
        started.append(
            subprocess.Popen(
                [
                    str(spark_class),
                    "org.apache.spark.deploy.master.Master",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--webui-port",
                    str(ui),
                ],
                env=env,
                stdout=logs,
                stderr=logs,
            )
        )
        for _ in range(workers):
            args = [
                str(spark_class),
                "org.apache.spark.deploy.worker.Worker",
                "--host",
                "127.0.0.1",
                "--cores",
                str(cores),
                "--memory",
                memory,
                "--webui-port",
                str(_free_port()),
            ]
            if work_dir is not None:
                args += ["--work-dir", str(work_dir)]
            started.append(subprocess.Popen([*args, master], env=env, stdout=logs, stderr=logs))
        _wait_for_workers(ui, workers, started)
        yield master
    finally:
        for proc in reversed(started):
            proc.terminate()
        for proc in started:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        logs.close()


def _wait_for_workers(ui: int, workers: int, started: list[subprocess.Popen[bytes]]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in started):
            raise SparkUnavailableError("a Spark master or worker stopped while starting")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{ui}/json/", timeout=2) as reply:
                state = json.loads(reply.read())
            if int(state.get("aliveworkers", 0)) >= workers:
                return
        except (OSError, ValueError):
            pass
        time.sleep(0.5)
    raise SparkUnavailableError(
        f"the Spark cluster did not have {workers} workers within {START_TIMEOUT} s"
    )
