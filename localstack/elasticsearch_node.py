"""The local-stack Elasticsearch node, run from the integ-test zip on Maven Central."""

import json
import logging
import os
import subprocess
import zipfile
from pathlib import Path

import httpx

from core.settings import Settings
from localstack.services import Service
from localstack.system import (
    StackError,
    as_service_user,
    download_verified,
    give_to_service_user,
    make_service_dir,
    run,
    terminate,
    write_service_file,
)

logger = logging.getLogger(__name__)

# JDK folders under /usr/lib/jvm to run Elasticsearch with, in order of
# preference, because the integ-test distribution ships without a bundled JDK.
JAVA_HOME_PATTERNS = ("java-17-openjdk-*", "java-21-openjdk-*", "temurin-*")
ELASTICSEARCH_CLUSTER = "odyssey-dev"
# SHA-512 of each supported integ-test zip. Maven Central serves no checksum
# files for this artifact (its .sha1 and .pom return 404), so the digest is
# pinned here. Two separate downloads of the zip had this digest.
ELASTICSEARCH_ZIP_SHA512 = {
    "8.19.8": (
        "fa56c50fa80080f19bb9875348b019785e2ec53848168f007d40d81ca3cb7031"
        "6b45f53f20bb63cc2913ddad703711ce70f67dae5533cc5fd9db84d3f89f5241"
    ),
}


class Elasticsearch(Service):
    """Elasticsearch from the integ-test zip on Maven Central.

    That distribution contains only the apm, transport-netty4, x-pack-core and
    x-pack-security modules and has no handler for `GET /`, so health is read
    from `GET /_cluster/health`.
    """

    name = "elasticsearch"
    process_marker = "org.elasticsearch"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.port = settings.elasticsearch_port
        self.version = settings.elasticsearch_version
        self.home = settings.stack_dir / "elasticsearch"
        self.dist_dir = self.home / f"elasticsearch-{self.version}"
        self.data_dir = self.home / "data"
        self.logs_dir = self.home / "logs"
        self.tmp_dir = self.home / "tmp"
        self.log_file = self.logs_dir / f"{ELASTICSEARCH_CLUSTER}.log"
        # Output of the launcher script, which reports JVM and setup errors
        # before the node opens its own log.
        self.console_log = self.logs_dir / "console.log"
        self.launcher: subprocess.Popen[bytes] | None = None

    def pid_file(self) -> Path:
        return self.home / "elasticsearch.pid"

    def install(self) -> None:
        find_java_home()
        for folder in (self.home, self.data_dir, self.logs_dir, self.tmp_dir):
            make_service_dir(folder)
        if self.dist_dir.exists():
            return

        sha512 = ELASTICSEARCH_ZIP_SHA512.get(self.version)
        if sha512 is None:
            raise StackError(
                f"No SHA-512 is pinned for Elasticsearch {self.version}. Set "
                "ODYSSEY_ELASTICSEARCH_VERSION to one of "
                f"{', '.join(ELASTICSEARCH_ZIP_SHA512)}, or add the zip's digest "
                "to ELASTICSEARCH_ZIP_SHA512 in localstack/elasticsearch_node.py."
            )
        downloads = self.settings.stack_dir / "downloads"
        downloads.mkdir(parents=True, exist_ok=True)
        archive = downloads / f"elasticsearch-{self.version}.zip"
        url = (
            f"{self.settings.maven_repository_url}/org/elasticsearch/distribution/"
            f"integ-test-zip/elasticsearch/{self.version}/{archive.name}"
        )
        download_verified(url, archive, sha512)
        self._unpack(archive)

    def _unpack(self, archive: Path) -> None:
        # Unpack into a scratch folder and rename it, so an interrupted run
        # never leaves a partial distribution at `dist_dir`.
        scratch = self.home / "unpack.tmp"
        if scratch.exists():
            run(["rm", "-rf", str(scratch)])
        logger.info("Unpacking %s", archive.name)
        with zipfile.ZipFile(archive) as zip_file:
            for member in zip_file.infolist():
                extracted = Path(zip_file.extract(member, scratch))
                # zipfile drops Unix permissions, and bin/ needs its execute bits.
                mode = (member.external_attr >> 16) & 0o777
                if mode:
                    extracted.chmod(mode)
        (scratch / self.dist_dir.name).rename(self.dist_dir)
        scratch.rmdir()
        give_to_service_user(self.dist_dir, recursive=True)

    def start(self) -> None:
        self._write_config()
        heap = self.settings.elasticsearch_heap_mb
        env = {
            **os.environ,
            "ES_JAVA_HOME": str(find_java_home()),
            "ES_JAVA_OPTS": (
                f"-Xms{heap}m -Xmx{heap}m "
                # Keeps Elasticsearch from setting Netty's processor count. The
                # stack has been tested only with this flag set.
                "-Des.set.netty.runtime.available.processors=false"
            ),
            "ES_TMPDIR": str(self.tmp_dir),
        }
        logger.info("Starting Elasticsearch on 127.0.0.1:%d", self.port)
        self.pid_file().unlink(missing_ok=True)
        with self.console_log.open("ab") as console:
            # With -d the launcher waits until the node has started and then
            # exits, so it runs in the background while other services start.
            self.launcher = subprocess.Popen(
                as_service_user(
                    [
                        str(self.dist_dir / "bin" / "elasticsearch"),
                        "-d",
                        "-p",
                        str(self.pid_file()),
                    ]
                ),
                cwd=self.home,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=console,
                stderr=subprocess.STDOUT,
                # Its own session, so Ctrl+C in the terminal that ran `up`
                # (for example during the demo) does not stop the node.
                start_new_session=True,
            )

    def _write_config(self) -> None:
        config_dir = self.dist_dir / "config"
        write_service_file(
            config_dir / "elasticsearch.yml",
            "# Written by localstack on every start; edits are overwritten.\n"
            f"cluster.name: {ELASTICSEARCH_CLUSTER}\n"
            "node.name: odyssey-1\n"
            "network.host: 127.0.0.1\n"
            f"http.port: {self.port}\n"
            f"transport.port: {self.settings.elasticsearch_transport_port}\n"
            "discovery.type: single-node\n"
            "cluster.routing.allocation.disk.threshold_enabled: false\n"
            "indices.breaker.total.use_real_memory: false\n"
            "action.destructive_requires_name: false\n"
            "xpack.security.enabled: false\n"
            f"path.data: {json.dumps(str(self.data_dir))}\n"
            f"path.logs: {json.dumps(str(self.logs_dir))}\n",
        )
        # The node writes its keystore into the config folder on first start.
        give_to_service_user(config_dir, recursive=True)

    def diagnostic_logs(self) -> list[Path]:
        return [self.console_log, self.log_file]

    def has_failed_to_start(self) -> bool:
        if self.launcher is None:
            return self.pid() is None
        exit_code = self.launcher.poll()
        if exit_code is None:
            return False
        return exit_code != 0 or self.pid() is None

    def stop(self) -> None:
        pid = self.pid()
        if pid is None:
            return
        logger.info("Stopping Elasticsearch (pid %d)", pid)
        terminate(
            pid, self.process_marker, self.settings.stack_stop_timeout, "Elasticsearch"
        )

    def is_healthy(self) -> bool:
        try:
            response = httpx.get(
                f"http://127.0.0.1:{self.port}/_cluster/health", timeout=2.0
            )
            response.raise_for_status()
            # A single node reports yellow while any index has replicas set.
            return response.json().get("status") in ("green", "yellow")
        except (httpx.HTTPError, ValueError):
            return False


def find_java_home() -> Path:
    """Return the first supported JDK under /usr/lib/jvm."""
    jvm = Path("/usr/lib/jvm")
    for pattern in JAVA_HOME_PATTERNS:
        for candidate in sorted(jvm.glob(pattern)):
            if (candidate / "bin" / "java").exists():
                return candidate
    raise StackError(
        "No JDK 17, JDK 21 or Temurin JDK found under /usr/lib/jvm. Install one "
        "with "
        "`apt-get install openjdk-17-jre-headless`."
    )
