"""Short-lived forked children that must not outlive the process that forked them."""

from __future__ import annotations

import contextlib
import os
import signal
import sys


def end_with(parent: int) -> None:
    """In a forked child: die with ``parent``, the process that forked it.

    On Linux the kernel sends SIGKILL when the parent dies (``PR_SET_PDEATHSIG``); a parent
    that died before this call is noticed at once. Elsewhere a child lives on until its short
    task ends.
    """
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL), 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(1)
