// The page of one pair (repo, task, features): every record of it in OUT,
// grouped by run, with the evidence cbrun's log folders keep: attempts, the
// agents' patches, the evaluation's test output, the merge (coop) and the
// agents' messages (coop-comm). Pure: renders structs read by
// results/pair_page_files.h to a stream. Everything shown is escaped: patches,
// test output and messages are untrusted text.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/naming.h"
#include "results/report_data.h"

namespace cb {

// What a page embeds of one text file: its first lines, up to the caps below.
struct TextFile {
  std::string name;  // "agent3.patch", "feature1 test output"
  std::string path;  // where it is (shown, not linked); empty for text from a JSON field
  bool found = false;
  long long lines = 0, bytes = 0;  // the whole file's
  std::string head;                // what is embedded: all of it unless `capped`
  bool capped = false;
};
// Text longer than this is cut (and says so); longer than kOpenLines starts collapsed.
inline constexpr long long kEmbedMaxLines = 2000;
inline constexpr long long kEmbedMaxBytes = 256 * 1024;
inline constexpr long long kOpenLines = 200;

// `text` as a TextFile: line and byte counts, the head within the caps.
TextFile TextFromString(std::string name, std::string path, absl::string_view text);

struct FeatureEval {
  int feature = 0;  // the feature's id
  std::optional<bool> passed;
  std::optional<long long> tests_passed, tests_failed;
  TextFile test_output;
};

// One message of conversation.json, as sent.
struct AgentMessage {
  std::string from, to, time;  // time: UTC ISO from a number, else as written
  std::optional<long long> feature_id;
  std::string message;
};

// One record and what its last agent attempt (and that attempt's last
// evaluation) left.
struct RecordEvidence {
  RecordRow row;
  std::string agent_dir;  // the last agent attempt's folder read; empty: no agent attempt
  std::vector<TextFile> patches;
  std::string eval_path;  // eval.json read; empty: none found
  std::vector<FeatureEval> features;
  std::optional<std::string> merge_status, merge_strategy, eval_error;
  std::optional<TextFile> merge_diff;
  bool conversation_found = false;
  std::vector<AgentMessage> messages;  // sent ones, in file order ("received" copies skipped)
  std::vector<std::string> problems;   // files missing or unreadable, one line each
};

struct PairPage {
  PairId pair;
  std::vector<RecordEvidence> records;  // sorted by run name
  std::string index_href;               // the report's index, relative to the page
};

// "dspy_task-task8394-f3_f4.html": letters, digits, '_' and '-' only (a repo
// name with anything else gets it replaced and a hash of the name appended),
// the same for the same pair.
std::string PairPageFileName(const PairId& pair);

void WritePairPage(const PairPage& page, std::ostream& os);

// "$0.12", "unknown" (never $0 for an unknown cost).
std::string CostText(const std::optional<double>& cost);

}  // namespace cb
