"""Java, Maven and the broker's jars.

No Docker and no Kafka download site are reachable on the development machines, but Maven Central is: the jars
of `org.apache.kafka:kafka_2.13` are fetched once with the pom in deploy/kafka/ and cached outside the repo.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from satudata.kafka.errors import JarFetchError, ToolMissingError
from satudata.logs import get_logger

log = get_logger(__name__)

KAFKA_VERSION = "4.4.0"  # keep in step with deploy/kafka/pom.xml
MIN_JAVA = 17  # Kafka 4 brokers refuse older runtimes
POM = Path(__file__).resolve().parents[2] / "deploy" / "kafka" / "pom.xml"
_STAMP = ".satudata-pom-sha256"  # written last: its presence means the folder is complete for this pom
_FETCH_TIMEOUT_S = 900

_JAVA_HINT = "Debian: apt-get install openjdk-17-jre-headless"
_MVN_HINT = "Debian: apt-get install maven"


def default_jars_dir() -> Path:
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "satudata" / f"kafka-{KAFKA_VERSION}"


def _which(command: str) -> str | None:
    # a bare name is looked up on PATH; anything with a slash is taken as a path
    return shutil.which(str(Path(command).expanduser()) if "/" in command else command)


@lru_cache(maxsize=8)
def java_command(java: str = "java") -> str:
    """The path of a Java 17+ runtime, or a ToolMissingError saying how to get one."""
    path = _which(java)
    if path is None:
        raise ToolMissingError(
            f"Java tidak ditemukan ({java!r}); broker Kafka {KAFKA_VERSION} butuh Java {MIN_JAVA}+. "
            f"Pasang Java ({_JAVA_HINT}) atau arahkan SATUDATA_KAFKA__JAVA ke program java. / "
            f"Java not found ({java!r}); the Kafka {KAFKA_VERSION} broker needs Java {MIN_JAVA}+. "
            f"Install it ({_JAVA_HINT}) or point SATUDATA_KAFKA__JAVA at a java binary."
        )
    try:
        out = subprocess.run([path, "-version"], capture_output=True, text=True, timeout=60, check=False)
    except OSError as exc:
        raise ToolMissingError(f"Java di {path} tidak bisa dijalankan / Java at {path} does not run: {exc}") from exc
    major = _java_major(out.stderr + out.stdout)
    if major is None or major < MIN_JAVA:
        found = (out.stderr or out.stdout).strip().splitlines()[:1]
        raise ToolMissingError(
            f"Java di {path} terlalu lama atau tidak dikenali ({found}); broker Kafka {KAFKA_VERSION} butuh "
            f"Java {MIN_JAVA}+ ({_JAVA_HINT}, atau SATUDATA_KAFKA__JAVA). / "
            f"Java at {path} is too old or unrecognised ({found}); the Kafka {KAFKA_VERSION} broker needs "
            f"Java {MIN_JAVA}+ ({_JAVA_HINT}, or set SATUDATA_KAFKA__JAVA)."
        )
    return path


def _java_major(version_output: str) -> int | None:
    match = re.search(r'version "(\d+)(?:\.(\d+))?', version_output)
    if match is None:
        return None
    first = int(match.group(1))
    # Java 8 and older call themselves 1.x
    return int(match.group(2) or 0) if first == 1 else first


def _pom_digest() -> str:
    if not POM.is_file():
        raise JarFetchError(
            f"pom broker tidak ada di {POM} (perlu salinan repo, bukan wheel saja) / "
            f"the broker pom is missing at {POM} (a repo checkout is needed, not a wheel alone)"
        )
    # Comments and layout do not change what Maven fetches, so editing them must not force a new download.
    meaning = "".join(re.sub(r"<!--.*?-->", "", POM.read_text(), flags=re.DOTALL).split())
    return hashlib.sha256(meaning.encode()).hexdigest()


def _is_complete(folder: Path, digest: str) -> bool:
    stamp = folder / _STAMP
    return stamp.is_file() and stamp.read_text().strip() == digest


@contextmanager
def _exclusive(lock_file: Path) -> Iterator[None]:
    with lock_file.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.info("kafka.jars.waiting", lock=str(lock_file), reason="another process is fetching")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_jars(jars_dir: Path | None = None, *, mvn: str = "mvn") -> Path:
    """The folder holding the broker's jars, fetched first if needed (once, even across processes)."""
    target = (jars_dir or default_jars_dir()).expanduser().resolve()
    digest = _pom_digest()
    if _is_complete(target, digest):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive(target.parent / f"{target.name}.lock"):
        if _is_complete(target, digest):  # fetched by another process while this one waited
            return target
        _fetch_into(target, digest, mvn)
    return target


def _fetch_into(target: Path, digest: str, mvn: str) -> None:
    mvn_path = _which(mvn)
    if mvn_path is None:
        raise ToolMissingError(
            f"Maven tidak ditemukan ({mvn!r}); dibutuhkan sekali untuk mengunduh jar Kafka ke {target}. "
            f"Pasang Maven ({_MVN_HINT}) atau arahkan SATUDATA_KAFKA__MVN ke program mvn. / "
            f"Maven not found ({mvn!r}); it is needed once, to fetch the Kafka jars into {target}. "
            f"Install it ({_MVN_HINT}) or point SATUDATA_KAFKA__MVN at an mvn binary."
        )
    if target.exists() and any(target.iterdir()) and not (target / _STAMP).exists():
        # Never empty a folder we did not fill: the setting may point anywhere.
        raise JarFetchError(
            f"{target} berisi berkas lain; pilih folder kosong untuk SATUDATA_KAFKA__JARS_DIR / "
            f"{target} holds other files; choose an empty folder for SATUDATA_KAFKA__JARS_DIR"
        )
    # Fetch beside the target and swap it in whole, so a reader never sees half a classpath.
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    started = time.monotonic()
    try:
        command = [mvn_path, "-B", "-q", "-f", str(POM), "dependency:copy-dependencies"]
        command.append(f"-DoutputDirectory={staging}")
        log.info("kafka.jars.fetching", version=KAFKA_VERSION, into=str(target))
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=_FETCH_TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired as exc:
            raise JarFetchError(
                f"Maven tidak selesai dalam {_FETCH_TIMEOUT_S} s / Maven did not finish in {_FETCH_TIMEOUT_S} s"
            ) from exc
        main_jar = staging / f"kafka_2.13-{KAFKA_VERSION}.jar"
        if done.returncode != 0 or not main_jar.is_file():
            tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-20:])
            raise JarFetchError(
                f"Maven gagal mengunduh jar Kafka (kode {done.returncode}); Maven Central terjangkau? / "
                f"Maven could not fetch the Kafka jars (exit {done.returncode}); is Maven Central reachable?"
                f"\n"
                f"{' '.join(command)}\n{tail}"
            )
        (staging / _STAMP).write_text(digest)
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    log.info("kafka.jars.fetched", into=str(target), seconds=round(time.monotonic() - started, 1))
