#include "util/redact.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

extern char** environ;

namespace cb {
namespace {

// How much of an over-long line without blanks stays behind at a cut: a URL's
// scheme and userinfo, or the start of a value, may be there.
constexpr size_t kLongLineTail = 1024;

bool IsSchemeChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
}

// Where a URL's authority (userinfo@host:port) ends: its path, query or
// fragment, or the end of the URL in running text (a blank, a quote, a bracket).
bool EndsAuthority(char c) {
  return c == '/' || c == '?' || c == '#' || std::isspace(static_cast<unsigned char>(c)) ||
         c == '"' || c == '\'' || c == '<' || c == '>' || c == '`' || c == '\\';
}

// The password of the URL whose "://" is at `sep` in `text`: its offset and
// length, or {npos, 0}. As Python's urllib (and so redis-py) reads it, the
// userinfo ends at the authority's last '@' and the password starts after its
// first ':'.
std::pair<size_t, size_t> PasswordAt(absl::string_view text, size_t sep) {
  constexpr std::pair<size_t, size_t> kNone = {absl::string_view::npos, 0};
  if (sep == 0 || !IsSchemeChar(text[sep - 1])) return kNone;
  const size_t start = sep + 3;
  size_t end = start;
  while (end < text.size() && !EndsAuthority(text[end])) ++end;
  const absl::string_view authority = text.substr(start, end - start);
  const size_t at = authority.rfind('@');
  if (at == absl::string_view::npos) return kNone;
  const size_t colon = authority.find(':');
  if (colon == absl::string_view::npos || colon + 1 >= at) return kNone;
  return {start + colon + 1, at - colon - 1};
}

}  // namespace

bool IsKeyVariable(absl::string_view name) {
  for (absl::string_view suffix : {"_API_KEY", "_API_TOKEN", "_SECRET_KEY", "_SECRET_ACCESS_KEY",
                                   "_SESSION_TOKEN", "_TOKEN_SECRET", "_ACCESS_TOKEN"})
    if (absl::EndsWith(name, suffix)) return true;
  return name == "HF_TOKEN" || name == "GITHUB_TOKEN" || name == "GH_TOKEN";
}

absl::string_view UrlPassword(absl::string_view url) {
  const size_t sep = url.find("://");
  if (sep == absl::string_view::npos) return {};
  const auto [offset, length] = PasswordAt(url, sep);
  if (offset == absl::string_view::npos) return {};
  return url.substr(offset, length);
}

std::string RedactUrlPasswords(absl::string_view text) {
  std::string out;
  size_t done = 0;
  for (size_t sep = text.find("://"); sep != absl::string_view::npos;
       sep = text.find("://", sep + 3)) {
    const auto [offset, length] = PasswordAt(text, sep);
    if (offset == absl::string_view::npos || offset < done) continue;
    absl::StrAppend(&out, text.substr(done, offset - done), kRedacted);
    done = offset + length;
  }
  if (done == 0) return std::string(text);
  absl::StrAppend(&out, text.substr(done));
  return out;
}

Redactor::Redactor(const std::vector<std::string>& secrets) {
  for (const std::string& s : secrets)
    if (s.size() >= kMinSecretLength) secrets_.push_back(s);
  std::sort(secrets_.begin(), secrets_.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() > b.size() : a < b;
  });
  secrets_.erase(std::unique(secrets_.begin(), secrets_.end()), secrets_.end());
}

Redactor Redactor::FromEnvironment(absl::string_view api_key_env,
                                   const std::vector<std::string>& more) {
  std::vector<std::string> secrets = more;
  for (char** e = environ; *e != nullptr; ++e) {
    const char* eq = std::strchr(*e, '=');
    if (eq == nullptr) continue;
    const absl::string_view name(*e, static_cast<size_t>(eq - *e));
    if (name == api_key_env || IsKeyVariable(name)) secrets.emplace_back(eq + 1);
  }
  return Redactor(secrets);
}

std::string Redactor::Redact(absl::string_view text) const {
  if (secrets_.empty()) return RedactUrlPasswords(text);
  std::vector<std::pair<absl::string_view, absl::string_view>> replacements;
  replacements.reserve(secrets_.size());
  for (const std::string& s : secrets_) replacements.emplace_back(s, kRedacted);
  // Leftmost match first; of matches at one place, the longest.
  return RedactUrlPasswords(absl::StrReplaceAll(text, replacements));
}

size_t Redactor::SafeCut(absl::string_view text, size_t cut) const {
  cut = std::min(cut, text.size());
  size_t safe = cut;
  for (const std::string& s : secrets_) {
    const size_t first = cut >= s.size() ? cut - s.size() + 1 : 0;
    for (size_t start = first; start < cut; ++start) {
      if (text.substr(start, s.size()) == s) {
        safe = std::min(safe, start);
        break;
      }
    }
  }
  return safe;
}

std::string StreamRedactor::Feed(absl::string_view bytes) {
  pending_.append(bytes.data(), bytes.size());
  const size_t line_end = pending_.find_last_of("\n\r");
  size_t cut = line_end == std::string::npos ? 0 : line_end + 1;
  if (cut == 0 && pending_.size() > kMaxPendingLine) {
    const size_t keep = std::max(redactor_.longest(), kLongLineTail);
    const size_t blank = pending_.find_last_of(" \t");
    cut = blank != std::string::npos && blank + 1 + keep >= pending_.size()
              ? blank + 1
              : pending_.size() - keep;
    cut = redactor_.SafeCut(pending_, cut);
  }
  if (cut == 0) return "";
  std::string out = redactor_.Redact(absl::string_view(pending_).substr(0, cut));
  pending_.erase(0, cut);
  return out;
}

std::string StreamRedactor::Finish() {
  std::string out = redactor_.Redact(pending_);
  pending_.clear();
  return out;
}

}  // namespace cb
