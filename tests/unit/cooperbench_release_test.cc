// Issue 16, item 7, the release alone: which releases are tested, newer or too
// old, the agent a release gets, and the warning for a newer one, naming the
// tested range and only the known changes up to that release. (Doctor, cbgen
// and the preflight with such a release: integration/newer_release_test.cc.)
#include <gtest/gtest.h>

#include <string>

#include "core/cooperbench_release.h"

namespace {

using cb::ClassifyRelease;
using cb::ReleaseSupport;

TEST(ClassifyRelease, RangeEdges) {
  EXPECT_EQ(ClassifyRelease("0.0.9"), ReleaseSupport::kTooOld);
  EXPECT_EQ(ClassifyRelease("0.0.10"), ReleaseSupport::kTooOld) << "10 < 11 as numbers";
  EXPECT_EQ(ClassifyRelease("0.0.11"), ReleaseSupport::kTested);
  EXPECT_EQ(ClassifyRelease("0.0.14"), ReleaseSupport::kTested);
  EXPECT_EQ(ClassifyRelease("0.0.19"), ReleaseSupport::kTested);
  EXPECT_EQ(ClassifyRelease("0.0.20"), ReleaseSupport::kNewerUntested);
  EXPECT_EQ(ClassifyRelease("0.0.28"), ReleaseSupport::kNewerUntested);
  EXPECT_EQ(ClassifyRelease("0.0.100"), ReleaseSupport::kNewerUntested);
  EXPECT_EQ(ClassifyRelease("0.1.0"), ReleaseSupport::kNewerUntested);
  EXPECT_EQ(ClassifyRelease(" 0.0.29\n"), ReleaseSupport::kNewerUntested);
  EXPECT_EQ(ClassifyRelease(""), ReleaseSupport::kUnreadable);
  EXPECT_EQ(ClassifyRelease("0.0.x"), ReleaseSupport::kUnreadable);
  EXPECT_TRUE(cb::ReleaseRuns(ReleaseSupport::kTested));
  EXPECT_TRUE(cb::ReleaseRuns(ReleaseSupport::kNewerUntested));
  EXPECT_FALSE(cb::ReleaseRuns(ReleaseSupport::kTooOld));
  EXPECT_FALSE(cb::ReleaseRuns(ReleaseSupport::kUnreadable));
}

TEST(CooperbenchRelease, NewerReleasesGetTheSecondMiniSweAgentAndSaySoInDescribe) {
  cb::CooperbenchRelease r;
  r.version = "0.0.28";
  EXPECT_EQ(r.DefaultAgent(), "mini_swe_agent_v2");
  EXPECT_EQ(r.Describe(), "release 0.0.28 (newer than the tested 0.0.11 to 0.0.19: untested)");
  r.version = "0.0.19";
  EXPECT_EQ(r.Describe(), "release 0.0.19 (supported: 0.0.11 to 0.0.19)");
  r.version = "0.0.11";
  EXPECT_EQ(r.DefaultAgent(), "mini_swe_agent");
  r.version = "0.0.10";
  EXPECT_EQ(r.Describe(), "release 0.0.10 (older than the supported 0.0.11 to 0.0.19)");
}

TEST(UntestedReleaseWarning, NamesTheTestedRangeAndOnlyTheChangesUpToTheRelease) {
  const std::string w21 = cb::UntestedReleaseWarning("0.0.21");
  EXPECT_NE(w21.find("cooperbench 0.0.21 is newer than the releases cbgen was tested with "
                     "(0.0.11 to 0.0.19): it runs, untested."),
            std::string::npos)
      << w21;
  EXPECT_NE(w21.find("0.0.20: optional token-id capture"), std::string::npos) << w21;
  EXPECT_EQ(w21.find("0.0.23"), std::string::npos) << "0.0.21 predates the PR grading: " << w21;
  EXPECT_NE(w21.find("no change to run's or eval's flags or files is listed"), std::string::npos);
  EXPECT_NE(w21.find("pip install 'cooperbench>=0.0.11,<=0.0.19'"), std::string::npos) << w21;

  const std::string w28 = cb::UntestedReleaseWarning("0.0.28");
  for (const char* want :
       {"0.0.23: an agent's work is graded from the pull request it opens, and an agent that "
        "opens none submits nothing",
        "NO PR OPENED by <agent>: submitting nothing", "fail/no_submission",
        "0.0.24: an agent that opened no pull request is graded from its branch diff",
        "0.0.25: sandbox commands get stdin from /dev/null and a per-command timeout (300 s)",
        "0.0.28: test files the agent wrote are stripped from its patch"})
    EXPECT_NE(w28.find(want), std::string::npos) << want << "\n" << w28;
  EXPECT_EQ(w28.find("nothing is known"), std::string::npos) << w28;
  EXPECT_EQ(w28.find('\n'), std::string::npos) << "one line";

  const std::string w29 = cb::UntestedReleaseWarning("0.0.29");
  EXPECT_NE(w29.find("0.0.28: test files"), std::string::npos) << w29;
  EXPECT_NE(w29.find("nothing is known of releases after 0.0.28"), std::string::npos) << w29;
}

}  // namespace
