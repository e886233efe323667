"""Stand-in for the `modal` package (test harness, see tests/upstream/README.md).

Upstream imports modal at module level on every path (runner/coop.py, the eval backends,
the agents' modal environments) and evaluates annotations such as `dict[str, modal.Image]`
at import time, but only *uses* it with `--backend modal`.  This module lets those imports
succeed; any real use fails loudly, the way an unconfigured Modal account would.
"""

__version__ = "0.0.0+cbtest"


class ModalUnavailable(RuntimeError):
    pass


def _unavailable(*args, **kwargs):
    raise ModalUnavailable("modal is a test stand-in here: the Modal backend is not available")


class _Stub:
    """Any attribute/call of a stand-in class raises ModalUnavailable."""

    def __init__(self, *args, **kwargs):
        _unavailable()

    def __class_getitem__(cls, item):
        return cls


class App(_Stub):
    lookup = staticmethod(_unavailable)


class Image(_Stub):
    from_registry = staticmethod(_unavailable)
    debian_slim = staticmethod(_unavailable)
    from_dockerfile = staticmethod(_unavailable)


class Sandbox(_Stub):
    create = staticmethod(_unavailable)
    from_id = staticmethod(_unavailable)


class Secret(_Stub):
    from_dict = staticmethod(_unavailable)
    from_name = staticmethod(_unavailable)


class Volume(_Stub):
    from_name = staticmethod(_unavailable)


class exception:  # noqa: N801  (modal.exception.* names used in except clauses)
    class Error(Exception):
        pass

    class NotFoundError(Error):
        pass

    class SandboxTerminatedError(Error):
        pass

    class SandboxTimeoutError(Error):
        pass


def __getattr__(name):  # anything else: a class that fails when used
    if name.startswith("__"):
        raise AttributeError(name)
    return type(name, (_Stub,), {})
