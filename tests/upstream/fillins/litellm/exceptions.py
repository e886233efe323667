"""Stand-in for `litellm.exceptions` (test harness, see tests/upstream/README.md).

Same class names and the same *shape* of hierarchy as litellm 1.x, which derives its
errors from the openai SDK's.  What upstream relies on:

  * `except litellm.exceptions.AuthenticationError as e: e.message += "..."; raise e`
    -> `message` is a plain attribute and `str(e)` is computed from it on every call.
  * the retry lists (mini_swe_agent v1: `retry_if_not_exception_type((UnsupportedParamsError,
    NotFoundError, PermissionDeniedError, ContextWindowExceededError, APIError,
    AuthenticationError, KeyboardInterrupt))`; mini_swe_agent_v2: the same without
    APIError) -> RateLimitError, Timeout, APIConnectionError, ServiceUnavailableError and
    InternalServerError must NOT be subclasses of litellm's own `APIError` (in litellm they
    derive from openai.RateLimitError / openai.APITimeoutError / ..., which share the
    *openai* APIError base, not litellm's), so upstream retries them exactly as with the
    real package.
"""


# --- the openai SDK's classes that litellm's errors derive from ----------------------
class OpenAIError(Exception):
    """openai.OpenAIError"""


class _OpenAIAPIError(OpenAIError):
    """openai.APIError (NOT litellm.exceptions.APIError)"""


class _OpenAIAPIStatusError(_OpenAIAPIError):
    """openai.APIStatusError"""


class _OpenAIAPIConnectionError(_OpenAIAPIError):
    """openai.APIConnectionError"""


class _OpenAIAPITimeoutError(_OpenAIAPIConnectionError):
    """openai.APITimeoutError"""


class _OpenAIAPIResponseValidationError(_OpenAIAPIError):
    """openai.APIResponseValidationError"""


class _OpenAIBadRequestError(_OpenAIAPIStatusError):
    pass


class _OpenAIAuthenticationError(_OpenAIAPIStatusError):
    pass


class _OpenAIPermissionDeniedError(_OpenAIAPIStatusError):
    pass


class _OpenAINotFoundError(_OpenAIAPIStatusError):
    pass


class _OpenAIUnprocessableEntityError(_OpenAIAPIStatusError):
    pass


class _OpenAIRateLimitError(_OpenAIAPIStatusError):
    pass


class _OpenAIInternalServerError(_OpenAIAPIStatusError):
    pass


# --- litellm's classes -----------------------------------------------------------------
class _LiteLLMError:
    """Mixin: litellm prefixes the text with "litellm.<ClassName>: " and renders
    `str(e)` from `self.message` (plus retry counts) every time."""

    status_code = 500

    def __init__(self, message="", llm_provider="", model="", response=None,
                 litellm_debug_info=None, max_retries=None, num_retries=None, **kwargs):
        self.message = f"litellm.{type(self).__name__}: {message}"
        self.llm_provider = llm_provider
        self.model = model
        self.response = response
        self.litellm_debug_info = litellm_debug_info
        self.max_retries = max_retries
        self.num_retries = num_retries
        Exception.__init__(self, self.message)

    def __str__(self):
        text = self.message
        if self.num_retries:
            text += f" LiteLLM Retried: {self.num_retries} times"
        if self.max_retries:
            text += f", LiteLLM Max Retries: {self.max_retries}"
        return text

    __repr__ = __str__


class AuthenticationError(_LiteLLMError, _OpenAIAuthenticationError):
    status_code = 401


class NotFoundError(_LiteLLMError, _OpenAINotFoundError):
    status_code = 404


class BadRequestError(_LiteLLMError, _OpenAIBadRequestError):
    status_code = 400


class UnprocessableEntityError(_LiteLLMError, _OpenAIUnprocessableEntityError):
    status_code = 422


class Timeout(_LiteLLMError, _OpenAIAPITimeoutError):
    status_code = 408


class PermissionDeniedError(_LiteLLMError, _OpenAIPermissionDeniedError):
    status_code = 403


class RateLimitError(_LiteLLMError, _OpenAIRateLimitError):
    status_code = 429


class ContextWindowExceededError(BadRequestError):
    pass


class RejectedRequestError(BadRequestError):
    pass


class ContentPolicyViolationError(BadRequestError):
    pass


class UnsupportedParamsError(BadRequestError):
    pass


class ServiceUnavailableError(_LiteLLMError, _OpenAIAPIStatusError):
    status_code = 503


class BadGatewayError(_LiteLLMError, _OpenAIAPIStatusError):
    status_code = 502


class InternalServerError(_LiteLLMError, _OpenAIInternalServerError):
    status_code = 500


class APIError(_LiteLLMError, _OpenAIAPIError):
    """litellm's own APIError: in mini_swe_agent v1's no-retry list."""


class APIConnectionError(_LiteLLMError, _OpenAIAPIConnectionError):
    pass


class APIResponseValidationError(_LiteLLMError, _OpenAIAPIResponseValidationError):
    pass


class JSONSchemaValidationError(APIResponseValidationError):
    pass


class MockException(_LiteLLMError, _OpenAIAPIError):
    pass


class BudgetExceededError(Exception):
    def __init__(self, current_cost=0.0, max_budget=0.0, message=None):
        self.current_cost = current_cost
        self.max_budget = max_budget
        super().__init__(message or f"Budget has been exceeded! Current cost: {current_cost}, Max budget: {max_budget}")


# Names a CBTEST-RAISE line may use (see _scripted.py).
RAISABLE = {
    name: cls
    for name, cls in dict(globals()).items()
    if isinstance(cls, type) and issubclass(cls, _LiteLLMError) and cls is not _LiteLLMError
}

__all__ = sorted(RAISABLE) + ["BudgetExceededError", "OpenAIError"]
