// One (setting, pair) as cbrun runs it: what cbgen's build.ninja and the
// preflight tell cbrun about the pair and the installed cooperbench.
#pragma once

#include <filesystem>
#include <string>

#include "core/naming.h"
#include "core/setting.h"

namespace cb {

struct PairJob {
  Setting setting = Setting::kSolo;
  std::string run_name;
  PairId pair;
  std::string model, agent, backend;
  std::filesystem::path record;   // where the record goes
  std::filesystem::path out_dir;  // logs go under OUT/logs/
  // Ninja's log, where it says which records it accepted (cbrun runs in the
  // build folder); see record_copy.h.
  std::filesystem::path ninja_log = ".ninja_log";
  // What the installed cooperbench's `run` accepts (from the preflight).
  // Without either flag (releases before 0.0.12) each attempt runs in its own
  // folder, with its logs in ./logs there and the dataset linked as ./dataset.
  bool has_log_dir = true;
  bool has_dataset_dir = true;
  // The installed release (from the preflight's probe), named in every attempt
  // and record; empty when it could not be read.
  std::string cooperbench_release;
};

}  // namespace cb
