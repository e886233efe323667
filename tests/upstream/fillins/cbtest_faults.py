"""Faults the real-upstream suite injects at the Docker SDK's edge (tests/upstream_test.cc).

CBTEST_EVAL_SANDBOX_FAILS_ONCE=DIR: in a `cooperbench eval` process, the first
`containers.run` for each pair (a marker file in DIR per pair) raises the
`docker.errors.APIError` a daemon gives when it cannot create a container, so
upstream's own DockerSandbox creation fails as it does when the machine has
trouble; the next evaluation of the pair runs normally. Nothing else changes,
and without the variable this module does nothing.

Loaded at interpreter start by cbtest_faults.pth (make-install); docker is patched
when it is first imported, through a one-shot import hook.
"""

import importlib.util
import os
import sys

_DIR = os.environ.get("CBTEST_EVAL_SANDBOX_FAILS_ONCE")


def _pair_key():
    args = sys.argv[1:]
    def value(flag):
        return args[args.index(flag) + 1] if flag in args and args.index(flag) + 1 < len(args) else ""
    return "_".join(value(f) for f in ("-n", "-r", "-t", "-f")).replace("/", "_").replace(",", "-")


def _patch(containers_module):
    import docker.errors

    original = containers_module.ContainerCollection.run

    def run(self, *a, **kw):
        marker = os.path.join(_DIR, _pair_key())
        try:
            fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return original(self, *a, **kw)
        os.close(fd)
        raise docker.errors.APIError("500 Server Error: Internal Server Error "
                                     "(\"cbtest: the daemon could not create the eval sandbox\")")

    containers_module.ContainerCollection.run = run


class _PatchOnImport:
    def find_spec(self, name, path=None, target=None):
        if name != "docker.models.containers":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        exec_module = spec.loader.exec_module

        def exec_and_patch(module):
            exec_module(module)
            _patch(module)

        spec.loader.exec_module = exec_and_patch
        return spec


if _DIR and sys.argv[1:2] == ["eval"]:
    os.makedirs(_DIR, exist_ok=True)
    if "docker.models.containers" in sys.modules:
        _patch(sys.modules["docker.models.containers"])
    else:
        sys.meta_path.insert(0, _PatchOnImport())
