// Parsing subset files: structure, names, ids and pairs, with errors that name the culprit.
#include "generator/subset.h"

#include <gtest/gtest.h>

namespace cb {
namespace {

TEST(ParseSubset, ReadsTasksAndNormalisesPairs) {
  auto s = ParseSubset(R"({"name":"x","tasks":[
      {"repo":"dspy_task","task_id":8394,"pairs":[[4,3],[3,5]]},
      {"repo":"openai_tiktoken_task","task_id":0}]})",
                       "x.json");
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->size(), 2u);
  EXPECT_EQ((*s)[0].repo, "dspy_task");
  EXPECT_EQ((*s)[0].task_id, 8394);
  ASSERT_TRUE((*s)[0].pairs.has_value());
  EXPECT_EQ(*(*s)[0].pairs, (std::vector<std::pair<int, int>>{{3, 4}, {3, 5}}));
  EXPECT_EQ((*s)[1].task_id, 0) << "task 0 is a real id, not 'unset'";
  EXPECT_FALSE((*s)[1].pairs.has_value()) << "no pairs means all combinations";
}

struct BadCase {
  const char* text;
  const char* message;
};
void PrintTo(const BadCase& c, std::ostream* os) {
  *os << c.text;
}

class ParseSubsetErrors : public testing::TestWithParam<BadCase> {};

TEST_P(ParseSubsetErrors, NameFileAndProblem) {
  auto s = ParseSubset(GetParam().text, "subsets/lite.json");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(std::string(s.status().message()), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    All, ParseSubsetErrors,
    testing::Values(
        BadCase{"{\"tasks\": [\n  {\"repo\": \"a\",, }]}",
                "subsets/lite.json:2:16: invalid JSON: syntax error"},
        BadCase{"[]", "subsets/lite.json: expected a JSON object with a \"tasks\" array"},
        BadCase{"{\"tasks\": 3}", "subsets/lite.json: expected a \"tasks\" array at the top level"},
        BadCase{
            R"({"tasks":[{"repo":"dspy_task","task_id":"8394"}]})",
            "subsets/lite.json: tasks[0]: \"task_id\" of dspy_task must be a whole number >= 0, "
            "got \"8394\""},
        BadCase{
            R"({"tasks":[{"repo":"dspy_task","task_id":1.5}]})",
            "subsets/lite.json: tasks[0]: \"task_id\" of dspy_task must be a whole number >= 0, "
            "got 1.5E0"},
        BadCase{R"({"tasks":[{"repo":"a b","task_id":1}]})",
                "subsets/lite.json: tasks[0]: repository name \"a b\" has the character ' '; only "
                "lowercase letters, digits, '_', '.' and '-' can appear in Docker image names and "
                "paths cbgen writes"},
        BadCase{R"({"tasks":[{"repo":"x$y","task_id":1}]})",
                "subsets/lite.json: tasks[0]: repository name \"x$y\" has the character '$'; only "
                "lowercase letters, digits, '_', '.' and '-' can appear in Docker image names and "
                "paths cbgen writes"},
        BadCase{R"({"tasks":[{"repo":"x","task_id":1,"pairs":[[2,2]]}]})",
                "subsets/lite.json: tasks[0] (x/1): pair [2,2] pairs a feature with itself"},
        BadCase{R"({"tasks":[{"repo":"x","task_id":1,"pairs":[[1,2],[2,1]]}]})",
                "subsets/lite.json: tasks[0] (x/1): pair [2,1] is listed twice"},
        BadCase{
            R"({"tasks":[{"repo":"x","task_id":1,"pairs":[[1,"2"]]}]})",
            "subsets/lite.json: tasks[0] (x/1): pair [1,\"2\"] must hold two whole numbers >= 1"},
        BadCase{R"({"tasks":[{"repo":"x","task_id":1,"pairs":[[1,2,3]]}]})",
                "subsets/lite.json: tasks[0] (x/1): pair [1,2,3] must be two feature numbers"},
        BadCase{R"({"tasks":[{"repo":"x","task_id":1},{"repo":"x","task_id":1}]})",
                "subsets/lite.json: tasks[1] (x/1): this task is listed twice; merge its pairs "
                "into one entry"}),
    [](const testing::TestParamInfo<BadCase>& info) {
      return "case" + std::to_string(info.index);
    });

}  // namespace
}  // namespace cb
