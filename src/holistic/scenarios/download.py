"""Fetching scenario data: download once into `<output>/scenarios/<name>/`, or copy from a mirror.

A mirror (`--data-mirror DIR` or `HOLISTIC_DATA_MIRROR`) is a directory laid out like the download cache,
`DIR/<scenario name>/<file>`, for machines without internet. Downloads go to a temporary name and are
renamed when complete, so an interrupted download is never mistaken for data. Each target is fetched under
an exclusive file lock (`.<name>.lock` beside it): several helm-run processes started together in one
output path fetch it once, the later ones wait and use the first one's result.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from holistic.errors import DataError

log = logging.getLogger(__name__)

MIRROR_ENVIRONMENT_VARIABLE = "HOLISTIC_DATA_MIRROR"
OFFLINE_ENVIRONMENT_VARIABLE = "HOLISTIC_OFFLINE"


def data_mirror(explicit: str | None = None) -> str | None:
    return explicit or os.environ.get(MIRROR_ENVIRONMENT_VARIABLE) or None


def _mirror_source(target: Path, mirror: str) -> Path | None:
    """The mirror's copy of `target`: the same path relative to the `scenarios/` directory."""
    parts = target.resolve().parts
    if "scenarios" not in parts:
        return None
    index = len(parts) - 1 - parts[::-1].index("scenarios")
    candidate = Path(mirror, *parts[index + 1 :])
    return candidate if candidate.exists() else None


@contextlib.contextmanager
def target_lock(target: Path) -> Iterator[None]:
    """Hold an exclusive lock on `target` (a file beside it) for this process; others block until it is free."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.with_name(f".{target.name}.lock"), "a") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)


def ensure_file_downloaded(
    source_url: str,
    target_path: str | os.PathLike,
    unpack: bool = False,
    unpack_type: str | None = None,
    sha256: str | None = None,
    mirror: str | None = None,
) -> Path:
    """Make `target_path` exist (file or unpacked directory) and return it."""
    target = Path(target_path)
    if target.exists():
        return target
    with target_lock(target):
        if target.exists():  # another process fetched it while this one waited
            return target
        mirror = data_mirror(mirror)
        if mirror:
            if _copy_from_mirror_locked(target, mirror):
                return target
            log.warning("%s is not in the data mirror %s; downloading %s", target.name, mirror, source_url)
        _download(source_url, target, unpack, unpack_type, sha256)
    return target


def copy_from_mirror(target_path: str | os.PathLike, mirror: str | None = None) -> bool:
    """Copy `target_path` (file or directory) from the data mirror if the mirror has it; whether it did."""
    target = Path(target_path)
    mirror = data_mirror(mirror)
    if not mirror or _mirror_source(target, mirror) is None:
        return False
    with target_lock(target):
        return _copy_from_mirror_locked(target, mirror)


def _copy_from_mirror_locked(target: Path, mirror: str) -> bool:
    source = _mirror_source(target, mirror)
    if source is None:
        return False
    if target.exists():  # another process copied it while this one waited for the lock
        return True
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.copying")
    shutil.rmtree(tmp, ignore_errors=True) if tmp.is_dir() else tmp.unlink(missing_ok=True)
    if source.is_dir():
        shutil.copytree(source, tmp)
    else:
        shutil.copyfile(source, tmp)
    os.replace(tmp, target)
    return True


def _download(url: str, target: Path, unpack: bool, unpack_type: str | None, sha256: str | None) -> None:
    # Imported here: every helm-run imports this module, few download anything (urllib alone is 10 ms).
    import gzip
    import hashlib
    import urllib.request

    if os.environ.get(OFFLINE_ENVIRONMENT_VARIABLE) == "1":
        raise DataError(
            f"{target} is missing and downloads are off (HOLISTIC_OFFLINE=1): place {url} there "
            f"or pass --data-mirror DIR (a copy laid out as DIR/<scenario>/...)"
        )
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=f".{target.name}.") as tmp_dir:
        tmp = Path(tmp_dir, "download")
        try:
            log.info("downloading %s", url)
            request = urllib.request.Request(url, headers={"User-Agent": "holistic"})
            with urllib.request.urlopen(request, timeout=60) as response, open(tmp, "wb") as f:
                shutil.copyfileobj(response, f, length=1 << 20)
        except OSError as e:
            raise DataError(
                f"cannot download {url} to {target} ({e.__class__.__name__}: {e}); without internet, "
                f"place the file there or pass --data-mirror DIR (a copy laid out as DIR/<scenario>/...)"
            ) from None
        if tmp.stat().st_size == 0:
            raise DataError(f"download of {url} is empty (expected data for {target})")
        if sha256 is not None:
            digest = hashlib.sha256(tmp.read_bytes()).hexdigest()
            if digest != sha256:
                raise DataError(f"checksum mismatch for {url}: got {digest}, expected {sha256}")
        if unpack:
            unpacked = Path(tmp_dir, "unpacked")
            unpack_archive(tmp, unpacked, unpack_type or _archive_type(url))
            entries = list(unpacked.iterdir())
            # A single extracted entry becomes the target itself (HELM's convention).
            source = entries[0] if len(entries) == 1 else unpacked
            os.replace(source, target)
        elif url.endswith(".gz") and not target.name.endswith(".gz"):
            with gzip.open(tmp, "rb") as src, open(Path(tmp_dir, "gunzipped"), "wb") as dst:
                shutil.copyfileobj(src, dst)
            os.replace(Path(tmp_dir, "gunzipped"), target)
        else:
            os.replace(tmp, target)


def _archive_type(url: str) -> str:
    for suffix in (".tar.gz", ".tgz", ".tar", ".zip", ".zst"):
        if url.split("?")[0].endswith(suffix):
            return suffix.lstrip(".")
    if "zip" in url:
        return "zip"
    raise DataError(f"cannot tell the archive type of {url}")


def unpack_archive(archive: Path, destination: Path, archive_type: str) -> None:
    import tarfile
    import zipfile

    destination.mkdir(parents=True, exist_ok=True)
    if archive_type in ("tar", "tar.gz", "tgz", "untar"):
        with tarfile.open(archive) as tar:
            tar.extractall(destination, filter="data")
    elif archive_type in ("zip", "unzip"):
        with zipfile.ZipFile(archive) as z:
            z.extractall(destination)
    elif archive_type in ("zst", "unzstd"):
        try:
            import zstandard
        except ImportError:
            raise DataError(
                "unpacking .zst needs the language_modeling extra (pip install 'holistic[language_modeling]')"
            ) from None
        with open(archive, "rb") as src, open(destination / "data", "wb") as dst:
            zstandard.ZstdDecompressor().copy_stream(src, dst)
    else:
        raise DataError(f"unknown archive type {archive_type}")


def require_file(path: str | os.PathLike, what: str) -> Path:
    """A data file that must exist and be non-empty; otherwise a DataError that says how to provide it."""
    path = Path(path)
    if not path.exists() or (path.is_file() and path.stat().st_size == 0):
        state = "is empty" if path.exists() else "is missing"
        raise DataError(f"{what}: {path} {state} (download it, or pass --data-mirror DIR with a copy)")
    return path
