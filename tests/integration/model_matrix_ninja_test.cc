// Several models in one build, checked by the real ninja: the Ninja text of a
// matrix with provider pools parses, `ninja -t targets` knows every model's
// targets and `ninja -n MODEL-SETTING` runs only that model's pairs. (The
// text itself: unit/model_matrix_test.cc, from the same matrix.)
#include <gtest/gtest.h>

#include "generator/ninja_writer.h"
#include "generator/plan.h"
#include "test_util.h"

namespace cb {
namespace {

namespace fs = std::filesystem;

std::vector<TaskSpec> Tasks() { return {TaskSpec{"dspy_task", 8394, {3, 4, 5}, {{3, 4}, {3, 5}}}}; }

ExperimentOptions Matrix(int pool = 0) {
  ExperimentOptions o;
  o.settings = {Setting::kSolo, Setting::kCoopNocomm};
  o.models = {ModelRun{"command-a-03-2025", "command-a", "cohere"},
              ModelRun{"gpt-4o", "gpt-4o", "openai"}};
  o.model = o.models[0].model;
  o.run_prefix = o.models[0].run_prefix;
  o.max_runs_per_provider = pool;
  return o;
}

BuildFileInfo Info() {
  BuildFileInfo info;
  info.cbgen = "/opt/cbgen";
  info.cbrun = "/opt/cbrun";
  info.config = "out/config.json";
  info.regen_args = {"lite"};
  return info;
}

std::string Render(const ExperimentOptions& o) {
  absl::StatusOr<Plan> plan = MakePlan(Tasks(), o, {});
  EXPECT_TRUE(plan.ok()) << plan.status();
  absl::StatusOr<std::string> text = RenderBuildNinja(*plan, o, Info());
  EXPECT_TRUE(text.ok()) << text.status();
  return text.value_or("");
}

TEST(WriteBuildNinja, ProviderPoolsAndRealNinjaAgrees) {
  const std::string text = Render(Matrix(2));
  EXPECT_NE(text.find("pool runs_cohere\n  depth = 2\npool runs_openai\n  depth = 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  model = gpt-4o\n  pool = runs_openai\n"), std::string::npos);
  EXPECT_NE(text.find("  model = command-a-03-2025\n  pool = runs_cohere\n"), std::string::npos);
  cbtest::TempDir dir;
  fs::create_directories(dir / "out");
  cbtest::WriteText(dir / "out/config.json", "{}");
  cbtest::WriteText(dir / "build.ninja", text);
  // Ninja reads it, and `ninja -t targets` knows every model's targets.
  cbtest::CommandResult targets = cbtest::Run("ninja -t targets all", dir.path());
  ASSERT_EQ(targets.exit_code, 0) << targets.output;
  for (const char* t : {"command-a:", "gpt-4o:", "command-a-solo:", "gpt-4o-coop-nocomm:",
                        "solo:", "coop-nocomm:", "all:"})
    EXPECT_NE(targets.output.find(t), std::string::npos) << t << "\n" << targets.output;
  cbtest::CommandResult dry = cbtest::Run("ninja -n gpt-4o-solo", dir.path());
  ASSERT_EQ(dry.exit_code, 0) << dry.output;
  EXPECT_NE(dry.output.find("gpt-4o solo dspy/8394 [3,4]"), std::string::npos) << dry.output;
  EXPECT_EQ(dry.output.find("command-a solo"), std::string::npos) << dry.output;
}

}  // namespace
}  // namespace cb
