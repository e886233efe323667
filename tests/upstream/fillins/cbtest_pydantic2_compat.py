"""pydantic 2's `BaseModel.model_dump(mode=...)` on Debian 12's pydantic 1.10.

Upstream cooperbench (mini_swe_agent v1 and v2) calls `config.model_dump()` and
`config.model_dump(mode="json")`; nothing else of pydantic 2's API.

Loaded at interpreter start by cbtest_pydantic2_compat.pth in the install's site-packages
(make-install).  At that moment Debian's dist-packages (where pydantic lives) are not on
sys.path yet, so the patch is applied when pydantic is first imported, through a one-shot
import hook; nothing is imported eagerly.
"""

import importlib.util
import json
import sys


def _model_dump(self, *, mode="python", include=None, exclude=None, by_alias=False,
                exclude_unset=False, exclude_defaults=False, exclude_none=False, **_ignored):
    kwargs = dict(include=include, exclude=exclude, by_alias=by_alias, exclude_unset=exclude_unset,
                  exclude_defaults=exclude_defaults, exclude_none=exclude_none)
    if mode == "json":  # JSON-safe values (Path -> str, ...), as pydantic 2 gives
        return json.loads(self.json(**kwargs))
    return self.dict(**kwargs)


def _patch(pydantic):
    if not hasattr(pydantic.BaseModel, "model_dump"):  # pydantic 1.x only
        pydantic.BaseModel.model_dump = _model_dump


class _PatchPydanticOnImport:
    """Meta-path finder: lets the normal finders locate pydantic, then patches it right
    after its module body has run."""

    def find_spec(self, name, path=None, target=None):
        if name != "pydantic":
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


if "pydantic" in sys.modules:
    _patch(sys.modules["pydantic"])
else:
    sys.meta_path.insert(0, _PatchPydanticOnImport())
