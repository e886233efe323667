"""Stand-in for `litellm.cost_calculator`: the cost of a scripted turn (CBTEST-COST)."""


def completion_cost(completion_response=None, model=None, **kwargs):
    """Upstream calls completion_cost(response, model=...) and treats an exception or a
    cost <= 0 as "no cost information" (0.0 with cost_tracking: ignore_errors, else an
    agent error)."""
    hidden = getattr(completion_response, "_hidden_params", None) or {}
    cost = hidden.get("response_cost")
    if cost is None:
        from . import model_cost  # models registered through litellm.utils.register_model

        info = model_cost.get(model or getattr(completion_response, "model", ""), {})
        usage = getattr(completion_response, "usage", None)
        if not info or usage is None:
            raise Exception(f"This model isn't mapped yet. model={model} (cbtest litellm stand-in)")
        cost = (usage.prompt_tokens * info.get("input_cost_per_token", 0.0)
                + usage.completion_tokens * info.get("output_cost_per_token", 0.0))
    return float(cost)
