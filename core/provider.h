// Which provider serves a model, and where its key lives: litellm's naming
// convention, the one cooperbench's agents go through. Pure.
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace cb {

// litellm's provider of `model`: "cohere" for command-*, "openai" for gpt-*,
// o1* and openai/..., "anthropic" for claude-* and anthropic/..., "gemini" for
// gemini/..., "vertex_ai" for vertex_ai/..., else the explicit PROVIDER/ prefix
// of PROVIDER/MODEL; "" when none of these says (name it as PROVIDER/MODEL or
// give --api-key-env MODEL=VAR).
std::string ProviderOf(absl::string_view model);

// The variable litellm reads the provider's credentials from: COHERE_API_KEY,
// OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY,
// GOOGLE_APPLICATION_CREDENTIALS (Vertex: a credentials file), and a few
// more (mistral, groq, deepseek, openrouter, together_ai, xai); "" for a
// provider not in that list (cbgen then keeps COHERE_API_KEY, as before
// providers, unless --api-key-env names the variable).
std::string KeyVariableOf(absl::string_view provider);

}  // namespace cb
