"""Stand-in for the `litellm` package: a scripted model for tests of cooperbench.

Not litellm.  It provides exactly what upstream cooperbench 0.0.11-0.0.19 uses:
`litellm.completion`, `litellm.cost_calculator.completion_cost` (also `litellm.completion_cost`),
`litellm.utils.register_model`, `litellm.exceptions.*` (also at top level),
`litellm.suppress_debug_info` and `litellm._turn_on_debug`.  The model's answers are read
from the prompt (CBTEST-* lines of a feature.md), see _scripted.py and
tests/upstream/README.md.

Retries: upstream's mini-SWE-agent retries a failing model call (tenacity,
`stop_after_attempt(int(os.getenv("MSWEA_MODEL_RETRY_STOP_AFTER_ATTEMPT", "10")))`,
exponential wait 4..60 s) for every exception not in its abort list (RateLimitError,
Timeout, ...).  So that a scripted RateLimitError/Timeout ends the agent at once instead of
after ~6 minutes, importing this stand-in sets that variable to 1 unless it is already set
(set it yourself, e.g. to 3, to exercise upstream's retries; each retry then waits >= 4 s).
cli.py imports litellm before any agent module, so v1's decorator (evaluated at import)
and v2's retry() (evaluated per call) both see it.
"""

import os

os.environ.setdefault("MSWEA_MODEL_RETRY_STOP_AFTER_ATTEMPT", "1")

__version__ = "0.0.0+cbtest"

model_cost = {}  # filled by utils.register_model
suppress_debug_info = False
drop_params = False
set_verbose = False
num_retries = None

from . import cost_calculator, exceptions, utils  # noqa: E402
from ._scripted import ModelResponse, completion  # noqa: E402
from .cost_calculator import completion_cost  # noqa: E402
from .exceptions import *  # noqa: E402,F401,F403


def _turn_on_debug():
    pass


def get_model_info(model, custom_llm_provider=None):
    """As litellm's: the registered prices of `model`, or an exception for a model it
    cannot price (cbgen doctor asks this through cooperbench's interpreter)."""
    info = model_cost.get(model)
    if not info:
        raise Exception(f"This model isn't mapped yet. model={model}, custom_llm_provider="
                        f"{custom_llm_provider}. Add it here - https://github.com/BerriAI/litellm"
                        "/blob/main/model_prices_and_context_window.json. (cbtest litellm stand-in)")
    return dict(info)
