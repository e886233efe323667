// Several models in one build: each model's prefix, provider and key variable
// (generator/model_matrix.h), the plan's refusals, and the Ninja text of a
// matrix (targets per model, per model and setting, per setting; provider
// pools). (The real ninja reads it in integration/model_matrix_ninja_test.cc.)
#include "generator/model_matrix.h"

#include <gtest/gtest.h>

#include <sstream>

#include "core/provider.h"
#include "generator/ninja_writer.h"
#include "generator/plan.h"
#include "model_matrix_util.h"

namespace cb {
namespace {

TEST(Provider, LitellmNamingConvention) {
  EXPECT_EQ(ProviderOf("command-a-03-2025"), "cohere");
  EXPECT_EQ(ProviderOf("gpt-4o"), "openai");
  EXPECT_EQ(ProviderOf("o1-mini"), "openai");
  EXPECT_EQ(ProviderOf("openai/gpt-5"), "openai");
  EXPECT_EQ(ProviderOf("claude-3-5-sonnet-20241022"), "anthropic");
  EXPECT_EQ(ProviderOf("anthropic/claude-opus-4"), "anthropic");
  EXPECT_EQ(ProviderOf("gemini/gemini-2.5-pro"), "gemini");
  EXPECT_EQ(ProviderOf("vertex_ai/gemini-3-flash-preview"), "vertex_ai");
  EXPECT_EQ(ProviderOf("together_ai/meta-llama/Llama-3-70b"), "together_ai");
  EXPECT_EQ(ProviderOf("mystery-model"), "");
  EXPECT_EQ(KeyVariableOf("cohere"), "COHERE_API_KEY");
  EXPECT_EQ(KeyVariableOf("openai"), "OPENAI_API_KEY");
  EXPECT_EQ(KeyVariableOf("anthropic"), "ANTHROPIC_API_KEY");
  EXPECT_EQ(KeyVariableOf("gemini"), "GEMINI_API_KEY");
  EXPECT_EQ(KeyVariableOf("vertex_ai"), "GOOGLE_APPLICATION_CREDENTIALS");
  EXPECT_EQ(KeyVariableOf("together_ai"), "TOGETHERAI_API_KEY");
  EXPECT_EQ(KeyVariableOf("org"), "") << "not a provider litellm names a variable for";
  EXPECT_EQ(KeyVariableOf(""), "");
}

TEST(ResolveModelMatrix, PrefixesProvidersAndKeys) {
  absl::StatusOr<ModelMatrix> m = ResolveModelMatrix(
      {"command-a-03-2025", "gpt-4o", "mystery-model"}, {"gpt-4o=g4"},
      {"mystery-model=MYSTERY_KEY"});
  ASSERT_TRUE(m.ok()) << m.status();
  ASSERT_EQ(m->runs.size(), 3u);
  EXPECT_EQ(m->runs[0], (ModelRun{"command-a-03-2025", "command-a", "cohere"}));
  EXPECT_EQ(m->runs[1], (ModelRun{"gpt-4o", "g4", "openai"}));
  EXPECT_EQ(m->runs[2], (ModelRun{"mystery-model", "mystery-model", ""}));
  EXPECT_EQ(m->keys[0].api_key_env, "COHERE_API_KEY");
  EXPECT_EQ(m->keys[1].api_key_env, "OPENAI_API_KEY");
  EXPECT_EQ(m->keys[2].api_key_env, "MYSTERY_KEY");
}

TEST(ResolveModelMatrix, OneModelKeepsTodaysOptions) {
  absl::StatusOr<ModelMatrix> m = ResolveModelMatrix({"mystery-model"}, {"mine"}, {});
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->runs[0].run_prefix, "mine");
  // No provider to go by: the key stays where cbgen always looked.
  EXPECT_EQ(m->keys[0].api_key_env, "COHERE_API_KEY");
  m = ResolveModelMatrix({"command-a-03-2025"}, {}, {"MY_KEY"});
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->keys[0].api_key_env, "MY_KEY");
}

TEST(ResolveModelMatrix, ErrorsNameTheOptionAndTheFix) {
  auto bare = ResolveModelMatrix({"command-a-03-2025", "gpt-4o"}, {"x"}, {});
  ASSERT_FALSE(bare.ok());
  EXPECT_EQ(bare.status().message(),
            "--run-prefix x: with several models, name the model: --run-prefix MODEL=x "
            "(models: command-a-03-2025, gpt-4o)");
  auto unknown = ResolveModelMatrix({"gpt-4o"}, {}, {"claude-x=K"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().message(),
            "--api-key-env claude-x=K: claude-x is not a model of this build (models: gpt-4o)");
  auto twice = ResolveModelMatrix({"gpt-4o", "gpt-4o"}, {}, {});
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.status().message(), "--models: gpt-4o is named twice: name each model once");
}

using namespace cbtest::model_matrix;

TEST(MakePlan, MatrixRunsEveryModelSettingAndPairInterleaved) {
  absl::StatusOr<Plan> plan = MakePlan(Tasks(), Matrix(), {});
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->runs.size(), 8u);  // 2 models x 2 settings x 2 pairs
  EXPECT_EQ(plan->RunName(plan->runs[0]), "command-a-solo");
  EXPECT_EQ(plan->RunName(plan->runs[1]), "gpt-4o-solo");
  EXPECT_EQ(plan->RunName(plan->runs[7]), "gpt-4o-coop-nocomm");
  EXPECT_EQ(plan->Description(plan->runs[1]), "gpt-4o solo dspy/8394 [3,4]");
}

TEST(MakePlan, MatrixRefusesSharedPrefixesAndClashingTargets) {
  ExperimentOptions same = Matrix();
  same.models[1].run_prefix = "command-a";
  absl::StatusOr<Plan> plan = MakePlan(Tasks(), same, {});
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().message(),
            "--models: command-a-03-2025 and gpt-4o would both run as \"command-a-...\": give one "
            "of them its own prefix, e.g. --run-prefix gpt-4o=command-a-2");
  ExperimentOptions clash = Matrix();
  clash.models[1].run_prefix = "solo";
  plan = MakePlan(Tasks(), clash, {});
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("\"solo\" is also a setting's target"),
            absl::string_view::npos)
      << plan.status();
  ExperimentOptions nested = Matrix();  // a-solo is a's run name and b's prefix
  nested.models[0].run_prefix = "a";
  nested.models[1].run_prefix = "a-solo";
  plan = MakePlan(Tasks(), nested, {});
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("\"a-solo\" is also model command-a-03-2025's target"),
            absl::string_view::npos)
      << plan.status();
}



TEST(WriteBuildNinja, MatrixTargetsPerModelPerRunAndPerSetting) {
  const std::string text = Render(Matrix());
  const std::string rec = "out/gpt-4o-solo/dspy_task/task8394/f3_f4.json";
  EXPECT_NE(text.find("build " + rec + ": run || images\n  setting = solo\n  run_name = "
                      "gpt-4o-solo\n  repo = dspy_task\n  task = 8394\n  features = 3,4\n"
                      "  model = gpt-4o\n  desc = gpt-4o solo dspy/8394 [3,4]\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("build solo: phony out/command-a-solo/dspy_task/task8394/f3_f4.json " + rec +
                      " out/command-a-solo/dspy_task/task8394/f3_f5.json "
                      "out/gpt-4o-solo/dspy_task/task8394/f3_f5.json\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("build gpt-4o-solo: phony " + rec +
                      " out/gpt-4o-solo/dspy_task/task8394/f3_f5.json\n"),
            std::string::npos);
  EXPECT_NE(text.find("build command-a: phony command-a-solo command-a-coop-nocomm\n"),
            std::string::npos);
  EXPECT_NE(text.find("build gpt-4o: phony gpt-4o-solo gpt-4o-coop-nocomm\n"), std::string::npos);
  EXPECT_EQ(text.find("pool runs_"), std::string::npos) << "no provider pools unless asked";
}

TEST(WriteBuildNinja, OneModelWithProviderPool) {
  ExperimentOptions o;
  o.settings = {Setting::kSolo};
  o.run_prefix = "command-a";
  o.max_runs_per_provider = 3;
  const std::string text = Render(o);
  EXPECT_NE(text.find("pool runs_cohere\n  depth = 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  features = 3,4\n  pool = runs_cohere\n  desc = solo dspy/8394 [3,4]\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("  model = "), std::string::npos) << "one model: the global binding";
}

}  // namespace
}  // namespace cb
