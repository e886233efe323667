// The two-model matrix both model_matrix tests plan and render
// (unit/model_matrix_test.cc: its plan and text; integration/
// model_matrix_ninja_test.cc: the real ninja reads it).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "generator/ninja_writer.h"
#include "generator/plan.h"

namespace cbtest::model_matrix {

using namespace cb;

inline std::vector<TaskSpec> Tasks() {
  return {TaskSpec{"dspy_task", 8394, {3, 4, 5}, {{3, 4}, {3, 5}}}};
}

inline ExperimentOptions Matrix(int pool = 0) {
  ExperimentOptions o;
  o.settings = {Setting::kSolo, Setting::kCoopNocomm};
  o.models = {ModelRun{"command-a-03-2025", "command-a", "cohere"},
              ModelRun{"gpt-4o", "gpt-4o", "openai"}};
  o.model = o.models[0].model;
  o.run_prefix = o.models[0].run_prefix;
  o.max_runs_per_provider = pool;
  return o;
}

inline BuildFileInfo Info() {
  BuildFileInfo info;
  info.cbgen = "/opt/cbgen";
  info.cbrun = "/opt/cbrun";
  info.config = "out/config.json";
  info.regen_args = {"lite"};
  return info;
}

inline std::string Render(const ExperimentOptions& o) {
  absl::StatusOr<Plan> plan = MakePlan(Tasks(), o, {});
  EXPECT_TRUE(plan.ok()) << plan.status();
  absl::StatusOr<std::string> text = RenderBuildNinja(*plan, o, Info());
  EXPECT_TRUE(text.ok()) << text.status();
  return text.value_or("");
}

}  // namespace cbtest::model_matrix
