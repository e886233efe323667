#include "core/provider.h"

#include "absl/strings/match.h"
#include <utility>


namespace cb {

std::string ProviderOf(absl::string_view model) {
  if (absl::StartsWith(model, "command-") || absl::StartsWith(model, "cohere/")) return "cohere";
  if (absl::StartsWith(model, "gpt-") || absl::StartsWith(model, "o1") ||
      absl::StartsWith(model, "openai/"))
    return "openai";
  if (absl::StartsWith(model, "claude-") || absl::StartsWith(model, "anthropic/"))
    return "anthropic";
  const size_t slash = model.find('/');
  if (slash == absl::string_view::npos || slash == 0) return "";
  return std::string(model.substr(0, slash));  // gemini, vertex_ai, or as named
}

std::string KeyVariableOf(absl::string_view provider) {
  // litellm's variables for the providers it names them for.
  static constexpr std::pair<absl::string_view, absl::string_view> kKnown[] = {
      {"cohere", "COHERE_API_KEY"},
      {"openai", "OPENAI_API_KEY"},
      {"anthropic", "ANTHROPIC_API_KEY"},
      {"gemini", "GEMINI_API_KEY"},
      {"vertex_ai", "GOOGLE_APPLICATION_CREDENTIALS"},
      {"mistral", "MISTRAL_API_KEY"},
      {"groq", "GROQ_API_KEY"},
      {"deepseek", "DEEPSEEK_API_KEY"},
      {"openrouter", "OPENROUTER_API_KEY"},
      {"together_ai", "TOGETHERAI_API_KEY"},
      {"xai", "XAI_API_KEY"},
  };
  for (const auto& [name, var] : kKnown)
    if (provider == name) return std::string(var);
  return "";
}

}  // namespace cb
