// cbrun's one voice. Code under runner/ never writes to stdout or stderr: it
// tells a Reporter what happened, and cbrun's main owns the one that prints
// (like Ninja's Status). Tests use a Reporter that keeps the lines.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "util/redact.h"

namespace cb {

class Reporter {
 public:
  virtual ~Reporter() = default;
  // Something the user should see now, while work goes on: a retry, a record
  // set aside, a container that could not be removed. One line, no prefix.
  virtual void Note(absl::string_view line) = 0;
};

// cbrun's own: "cbrun: LINE" on stderr (Ninja shows it with the edge's
// output), with secrets as *** (`redactor`: RunConfig::MakeRedactor()).
class StderrReporter final : public Reporter {
 public:
  explicit StderrReporter(Redactor redactor = Redactor()) : redactor_(std::move(redactor)) {}
  void Note(absl::string_view line) override;
  // Also what cbrun's main prints itself.
  std::string Redact(absl::string_view line) const { return redactor_.Redact(line); }

 private:
  Redactor redactor_;
};

// Keeps the lines (for tests, and where nobody should hear them).
class KeptLines final : public Reporter {
 public:
  void Note(absl::string_view line) override { lines.emplace_back(line); }
  std::vector<std::string> lines;
};

}  // namespace cb
