// Several models in one build, checked by the real ninja: the Ninja text of a
// matrix with provider pools parses, `ninja -t targets` knows every model's
// targets and `ninja -n MODEL-SETTING` runs only that model's pairs. (The
// text itself: unit/model_matrix_test.cc, from the same matrix.)
#include <gtest/gtest.h>

#include "generator/ninja_writer.h"
#include "generator/plan.h"
#include "model_matrix_util.h"
#include "test_util.h"

namespace cb {
namespace {

namespace fs = std::filesystem;

using namespace cbtest::model_matrix;



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
