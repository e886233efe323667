// Issue 4, preflight: the pure pieces: reading a /proc/<pid>/stat line, and the
// API key check, which names the variable, never its value. (Through ninja:
// integration/preflight_test.cc.)
#include <gtest/gtest.h>

#include "runner/preflight.h"

namespace {

TEST(ParseProcStat, CommWithSpacesAndParentheses) {
  std::string fields;
  for (int i = 4; i <= 21; ++i) fields += " " + std::to_string(i);  // fields 4..21
  auto s = cb::ParseProcStat("4242 (nin ja) (x)) S" + fields + " 987654 0 0\n");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->comm, "nin ja) (x)");
  EXPECT_EQ(s->ppid, 4);
  EXPECT_EQ(s->start_time, 987654u);
  EXPECT_FALSE(cb::ParseProcStat("garbage").has_value());
}

TEST(CheckApiKey, NamesTheVariableNeverTheValue) {
  cb::CheckResult missing = cb::CheckApiKey("COHERE_API_KEY", nullptr);
  EXPECT_FALSE(missing.ok);
  EXPECT_NE(missing.detail.find("COHERE_API_KEY is not set"), std::string::npos);
  EXPECT_FALSE(cb::CheckApiKey("COHERE_API_KEY", "").ok);
  cb::CheckResult set = cb::CheckApiKey("OPENAI_API_KEY", "sk-very-secret");
  EXPECT_TRUE(set.ok);
  EXPECT_EQ(set.name, "OPENAI_API_KEY");
  EXPECT_EQ(cb::FormatCheck(set).find("sk-very-secret"), std::string::npos);
}

}  // namespace
