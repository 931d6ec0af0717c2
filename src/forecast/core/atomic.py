"""Results are written atomically: into a hidden sibling folder, renamed into place at the end.

An error or Ctrl-C part-way leaves the previous results (or nothing) and no half-written folder.
A destination that cannot be written — a parent that is a file, no permission, a read-only or
full disk — is the user's to fix, not a bug: it becomes an `InputError` naming the path (exit 2),
raised after the temporary folder or file is removed. `interrupts_held` keeps Ctrl-C from
cutting a short critical step (a checkpoint entry, stopping workers) in half.
"""
from __future__ import annotations

import contextlib
import errno
import os
import shutil
import signal
import tempfile
import threading
from pathlib import Path

from forecast.core.errors import InputError

#: OS errors that say the destination cannot take the files (rather than a bug in the writer)
UNWRITABLE = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOTDIR, errno.EEXIST,
              errno.EISDIR, errno.EFBIG}


def unwritable(target: str | Path, exc: OSError) -> InputError:
    """The InputError for a destination that cannot be written, naming it and why."""
    why = exc.strerror or str(exc)
    if exc.errno in (errno.ENOTDIR, errno.EEXIST) and exc.filename:
        why = f"{why}: {exc.filename}"
    return InputError(str(target), "", f"cannot write here ({why})",
                      "a folder on a writable disk with free space, e.g. --out results/NAME")


@contextlib.contextmanager
def interrupts_held():
    """Hold Ctrl-C (SIGINT) back during the block; one that arrived meanwhile raises
    KeyboardInterrupt as soon as the block ends. Only the main thread receives SIGINT, so
    elsewhere (or without POSIX signal masks) this does nothing."""
    hold = hasattr(signal, "pthread_sigmask") and threading.current_thread() is threading.main_thread()
    if hold:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        if hold:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


@contextlib.contextmanager
def writable(target: str | Path):
    """Turn an OSError of the UNWRITABLE kinds raised in the block into `unwritable(target, …)`."""
    try:
        yield
    except OSError as exc:
        if exc.errno in UNWRITABLE:
            raise unwritable(target, exc) from None
        raise


def make_dirs(folder: str | Path) -> Path:
    """`mkdir -p folder`, or the InputError naming it when it cannot be made."""
    folder = Path(folder)
    with writable(folder):
        folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextlib.contextmanager
def atomic_dir(target: str | Path):
    """Yield a fresh folder that becomes `target` only if the block finishes."""
    target = Path(target)
    make_dirs(target.parent)
    with writable(target):
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o777 & ~umask)
        with writable(target):
            yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    try:
        with writable(target):
            if target.exists():
                old = target.parent / f".{target.name}.old-{os.getpid()}"
                os.rename(target, old)
            os.rename(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and not target.exists():
            with contextlib.suppress(OSError):
                os.rename(old, target)   # put the previous results back
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def atomic_file(target: str | Path):
    """Yield a temporary path that replaces `target` only if the block finishes."""
    target = Path(target)
    make_dirs(target.parent)
    with writable(target):
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.tmp-", dir=target.parent)
    try:
        os.close(fd)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        with writable(target):
            yield Path(tmp)
            os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
        raise
