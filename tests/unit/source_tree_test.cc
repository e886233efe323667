// The source tree keeps its promises (issue 18): every path that code, CMake
// files, scripts and docs name exists, and no non-test source file is over 500
// lines. Reads the checkout the tests were built from (CBTEST_SOURCE_DIR).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "test_util.h"

namespace {

namespace fs = std::filesystem;

// The project's folders: a word followed by one of these and '/' is a path in
// the tree. `common/` and `report/` are rooms that no longer exist: a mention
// of a file in them is a stale reference.
const char* const kRooms[] = {"util",  "core",  "app",  "generator", "results", "runner",
                              "templates", "scripts", "bench", "fuzz", "doc", "tests"};
const char* const kGoneRooms[] = {"common", "report"};

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool IsTestFile(const fs::path& rel) { return *rel.begin() == "tests"; }

// Every file of the tree that says something about the tree: code, CMake
// files, scripts and docs, tests' CMake files and docs included, the fuzz
// regression inputs and build folders not.
std::vector<fs::path> TreeFiles(const fs::path& root) {
  std::vector<fs::path> files = {"README.md", "ARCHITECTURE.md", "CMakeLists.txt", ".ci/run"};
  for (const char* room : kRooms) {
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(root / room, ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (it->is_directory() && (name == "regressions" || name == "__pycache__")) {
        it.disable_recursion_pending();
        continue;
      }
      if (!it->is_regular_file()) continue;
      files.push_back(fs::relative(it->path(), root));
    }
  }
  return files;
}

// "core/record.{h,cc}" -> both; a component in capitals (OUT, TARGET, NAME) is a
// placeholder: the path is checked up to it.
std::vector<std::string> Candidates(const std::string& token) {
  std::vector<std::string> out;
  static const std::regex braces(R"((.*)\{([^}]*)\}(.*))");
  std::smatch m;
  if (std::regex_match(token, m, braces)) {
    std::stringstream alts(m[2].str());
    for (std::string alt; std::getline(alts, alt, ',');) out.push_back(m[1].str() + alt + m[3].str());
  } else {
    out.push_back(token);
  }
  static const std::regex placeholder("[A-Z][A-Z0-9_]*(\\..*)?");
  for (std::string& c : out) {
    std::string kept;
    std::stringstream parts(c);
    for (std::string part; std::getline(parts, part, '/');) {
      if (std::regex_match(part, placeholder)) break;
      kept += kept.empty() ? part : "/" + part;
    }
    c = kept;
  }
  return out;
}

bool Exists(const fs::path& root, const std::string& path) {
  // A module named without its extension ("core/plan_file") is its .h/.cc pair.
  return fs::exists(root / path) || fs::exists(root / (path + ".h")) ||
         fs::exists(root / (path + ".cc"));
}

TEST(SourceTree, NoCodeCMakeFileScriptOrDocNamesAFileThatDoesNotExist) {
  const fs::path root = cbtest::SourceDir();
  std::string rooms;
  for (const char* r : kRooms) rooms += std::string(rooms.empty() ? "" : "|") + r;
  for (const char* r : kGoneRooms) rooms += std::string("|") + r;
  const std::regex path("(^|[^\\w/.$-])((" + rooms + ")/[\\w.{},/*-]*)");
  const std::regex source_file(R"(\.(h|cc)\b)");
  int checked = 0;
  std::set<std::string> missing;
  for (const fs::path& rel : TreeFiles(root)) {
    // tests/upstream/README.md cites upstream cooperbench's own files
    // (cooperbench/runner/solo.py:191, ...), not ours.
    if (rel == "tests/upstream/README.md") continue;
    if (IsTestFile(rel) && rel.extension() != ".md" && rel.filename() != "CMakeLists.txt") continue;
    const std::string text = ReadAll(root / rel);
    for (auto it = std::sregex_iterator(text.begin(), text.end(), path);
         it != std::sregex_iterator(); ++it) {
      std::string token = (*it)[2].str();
      while (!token.empty() && (token.back() == '.' || token.back() == ',' || token.back() == ':'))
        token.pop_back();
      if (token.find('*') != std::string::npos) continue;  // a glob: cli_*.cc
      // "report/" is also a folder cbgen report writes (--html report/): only a
      // source file under it is a reference to the old room.
      if (token.rfind("report/", 0) == 0 && !std::regex_search(token, source_file)) continue;
      for (const std::string& c : Candidates(token)) {
        ++checked;
        if (!Exists(root, c)) missing.insert(rel.string() + ": " + c);
      }
    }
  }
  EXPECT_GT(checked, 200) << "the scan found too few paths to mean anything";
  for (const std::string& m : missing) ADD_FAILURE() << m << " does not exist";
}

TEST(SourceTree, NoNonTestSourceFileIsOverFiveHundredLines) {
  const fs::path root = cbtest::SourceDir();
  int checked = 0;
  for (const fs::path& rel : TreeFiles(root)) {
    if (IsTestFile(rel) || *rel.begin() == "doc" || rel.extension() == ".md") continue;
    const std::string text = ReadAll(root / rel);
    const long lines = std::count(text.begin(), text.end(), '\n');
    ++checked;
    EXPECT_LE(lines, 500) << rel << " has " << lines << " lines: split it by purpose";
  }
  EXPECT_GT(checked, 100);
}

}  // namespace
