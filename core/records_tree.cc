#include "core/records_tree.h"

#include <string>
#include <system_error>

#include "absl/strings/match.h"

namespace cb {
namespace fs = std::filesystem;

bool IsReservedOutFolder(absl::string_view name) {
  return name == "logs" || name == "images" || name == "services" || name == "forgotten" ||
         name == "locks";
}

void ForEachRecordFile(
    const fs::path& out,
    absl::FunctionRef<void(const fs::path& file, absl::string_view run_folder)> visit,
    absl::string_view run_prefix) {
  std::error_code ec;
  for (auto run_dir = fs::directory_iterator(out, ec); !ec && run_dir != fs::directory_iterator();
       run_dir.increment(ec)) {
    const std::string name = run_dir->path().filename().string();
    std::error_code type_ec;
    if (!run_dir->is_directory(type_ec) || IsReservedOutFolder(name) ||
        !absl::StartsWith(name, run_prefix))
      continue;
    std::error_code walk_ec;
    for (auto it = fs::recursive_directory_iterator(run_dir->path(), walk_ec);
         !walk_ec && it != fs::recursive_directory_iterator(); it.increment(walk_ec)) {
      // RUN/REPO/taskID/fA_fB.json: the records sit exactly three folders below OUT.
      if (it.depth() >= 2) it.disable_recursion_pending();
      if (it.depth() != 2 || !it->is_regular_file(type_ec) || it->path().extension() != ".json")
        continue;
      visit(it->path(), name);
    }
  }
}

}  // namespace cb
