// The small plan both ninja_writer tests write (unit/ninja_writer_test.cc:
// its text; integration/ninja_writer_ninja_test.cc: the real ninja reads it).
#pragma once

#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "generator/ninja_writer.h"
#include "generator/plan.h"

namespace cbtest::ninja_writer {

using namespace cb;

inline BuildFileInfo Info() {
  BuildFileInfo info;
  info.cbgen = "/opt/cb gen/cbgen";
  info.cbrun = "/opt/cb gen/cbrun";
  info.config = "out/config.json";
  info.regen_args = {"lite", "--dataset-dir", "/data set"};
  info.regen_inputs = {"/data set/subsets/lite.json", "/data set/dspy_task/task8394"};
  return info;
}

inline Plan SmallPlan(const std::string& backend = "docker") {
  ExperimentOptions o;
  o.settings = {Setting::kSolo, Setting::kCoopNocomm};
  o.run_prefix = "command-a";
  o.backend = backend;
  auto plan = MakePlan({TaskSpec{"dspy_task", 8394, {3, 4}, {{3, 4}}}}, o, {});
  return *plan;
}

inline std::string Write(const Plan& plan, const ExperimentOptions& o, const BuildFileInfo& info) {
  std::ostringstream os;
  absl::Status s = WriteBuildNinja(plan, o, info, os);
  EXPECT_TRUE(s.ok()) << s;
  return os.str();
}

}  // namespace cbtest::ninja_writer
