"""Stand-in for `litellm.utils`: only register_model, which upstream calls when
LITELLM_MODEL_REGISTRY_PATH names a JSON file of model prices."""

import json


def register_model(model_cost):
    from . import model_cost as registry

    if isinstance(model_cost, str):
        model_cost = json.loads(model_cost)
    registry.update(model_cost or {})
    return registry
