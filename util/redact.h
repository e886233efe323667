// Keeping secrets out of what cbgen and cbrun write and print: the API keys'
// values and the passwords of URLs (a Redis URL's `redis://:PASS@host`) are
// replaced by `***` in any text before it reaches a record, a log or a line
// on the terminal. The Redactor is pure (it is given the values); building
// one from our environment is a separate, named step.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace cb {

// What a secret becomes.
inline constexpr absl::string_view kRedacted = "***";

// A value shorter than this is never replaced as bare text: a short "key"
// (a test's "x", a placeholder) would mangle ordinary words. A URL's password
// is replaced whatever its length, because its place in the URL says what it is.
inline constexpr size_t kMinSecretLength = 8;

// Whether the environment variable `name` holds a provider's key or token by
// its name alone: a name ending in _API_KEY, _API_TOKEN, _SECRET_KEY,
// _SECRET_ACCESS_KEY, _SESSION_TOKEN, _TOKEN_SECRET or _ACCESS_TOKEN
// (COHERE_API_KEY, OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY,
// AWS_SECRET_ACCESS_KEY, MODAL_TOKEN_SECRET, ...), or HF_TOKEN, GITHUB_TOKEN, GH_TOKEN.
bool IsKeyVariable(absl::string_view name);

// The password in a URL's userinfo (`scheme://user:PASS@host`,
// `scheme://:PASS@host`) as it stands in the URL (percent-encoded), or empty.
absl::string_view UrlPassword(absl::string_view url);

// `text` with the password of every URL in it replaced by ***.
std::string RedactUrlPasswords(absl::string_view text);

class Redactor {
 public:
  // URL passwords only.
  Redactor() = default;
  // URL passwords and every value in `secrets` at least kMinSecretLength long.
  explicit Redactor(const std::vector<std::string>& secrets);

  // The values of `api_key_env` and of every variable IsKeyVariable() names
  // in our environment, plus `more` (a Redis password).
  static Redactor FromEnvironment(absl::string_view api_key_env,
                                  const std::vector<std::string>& more = {});

  // `text` with every secret value and every URL password replaced by ***.
  std::string Redact(absl::string_view text) const;

  // The length of the longest value (0 if none): how much of a stream's
  // tail may hold the start of one.
  size_t longest() const { return secrets_.empty() ? 0 : secrets_.front().size(); }

  // Where a text may be cut without splitting a value: `cut`, or the start
  // of a value that begins before `cut` and ends after it.
  size_t SafeCut(absl::string_view text, size_t cut) const;

 private:
  std::vector<std::string> secrets_;  // distinct, longest first
};

// Redacting a stream as it arrives (a child's output on its way to a log):
// text goes out a line at a time (ended by \n or \r), so a value split across
// two reads is still seen whole. A line longer than kMaxPendingLine goes out
// in pieces cut at blanks (keys and URLs hold none), else where no value is split.
class StreamRedactor {
 public:
  static constexpr size_t kMaxPendingLine = 64 * 1024;

  explicit StreamRedactor(const Redactor& redactor) : redactor_(redactor) {}
  // The redacted text that is ready to go out (possibly empty).
  std::string Feed(absl::string_view bytes);
  // At the end of the stream: what is left, redacted.
  std::string Finish();

 private:
  const Redactor& redactor_;
  std::string pending_;  // the start of a line not yet ended
};

}  // namespace cb
