"""Child processes that end with their parent: a helper process (the SHACL validator of a build,
the app's workers) must not outlive the process that started it, even one killed with kill -9."""
from __future__ import annotations

import ctypes
import os
import signal

_PR_SET_PDEATHSIG = 1


def end_with_parent(parent_pid: int) -> None:
    """Ask the kernel to kill this process when its parent dies (Linux prctl PR_SET_PDEATHSIG);
    exit now if the parent (`parent_pid`, read before the fork) is already gone. Elsewhere only
    the check is made, and the parent's own clean-up ends the child."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass  # not Linux
    if os.getppid() != parent_pid:
        os._exit(1)
