// cbgen forget: the filter and the words of its command line. (The command
// itself, and moving records aside and running them again:
// integration/forget_e2e_test.cc.)
#include <gtest/gtest.h>

#include "absl/strings/str_join.h"
#include "core/record.h"
#include "results/forget.h"

namespace {

cb::RecordRow Row(cb::Setting s, const std::string& repo, cb::Tag tag, cb::Reason reason) {
  cb::RecordRow r;
  r.setting = s;
  r.pair = cb::PairId{repo, 1, 1, 2};
  r.tag = tag;
  r.reason = reason;
  return r;
}

TEST(Forget, FilterByTagSettingRepoAndReason) {
  using cb::Reason;
  using cb::Setting;
  using cb::Tag;
  const std::vector<cb::RecordRow> rows = {
      Row(Setting::kSolo, "a_task", Tag::kInfraError, Reason::kCrash),
      Row(Setting::kSolo, "b_task", Tag::kInfraError, Reason::kRateLimited),
      Row(Setting::kCoopComm, "a_task", Tag::kInfraError, Reason::kRateLimited),
      Row(Setting::kCoopComm, "a_task", Tag::kFail, Reason::kTestsFailed),
      Row(Setting::kSolo, "a_task", Tag::kPass, Reason::kTestsPassed),
  };
  auto count = [&](cb::ForgetFilter f) { return cb::SelectForForget(rows, f).size(); };
  EXPECT_EQ(count({Tag::kInfraError, {}, "", std::nullopt}), 3u);
  EXPECT_EQ(count({Tag::kInfraError, {Setting::kSolo}, "", std::nullopt}), 2u);
  EXPECT_EQ(count({Tag::kInfraError, {Setting::kSolo, Setting::kCoopComm}, "", std::nullopt}), 3u);
  EXPECT_EQ(count({Tag::kInfraError, {}, "a_task", std::nullopt}), 2u);
  EXPECT_EQ(count({Tag::kInfraError, {}, "", Reason::kRateLimited}), 2u);
  EXPECT_EQ(count({Tag::kInfraError, {Setting::kCoopComm}, "a_task", Reason::kRateLimited}), 1u);
  EXPECT_EQ(count({Tag::kFail, {}, "", std::nullopt}), 1u);
  EXPECT_EQ(count({Tag::kFail, {}, "", Reason::kUnknown}), 0u);
}

// --tag any and --run RUN (issue 24 item 2: a whole run set aside, as cbgen suggests).
TEST(Forget, AnyTagAndOneRun) {
  using cb::Reason;
  using cb::Setting;
  using cb::Tag;
  std::vector<cb::RecordRow> rows = {
      Row(Setting::kSolo, "a_task", Tag::kPass, Reason::kTestsPassed),
      Row(Setting::kSolo, "a_task", Tag::kFail, Reason::kTestsFailed),
      Row(Setting::kSolo, "a_task", Tag::kInfraError, Reason::kCrash),
      Row(Setting::kSolo, "a_task", Tag::kPass, Reason::kTestsPassed),
  };
  rows[0].run_name = rows[1].run_name = rows[2].run_name = "command-a-solo";
  rows[3].run_name = "gpt-4o-solo";
  auto count = [&](cb::ForgetFilter f) { return cb::SelectForForget(rows, f).size(); };
  EXPECT_EQ(count({std::nullopt, {}, "", std::nullopt, ""}), 4u);
  EXPECT_EQ(count({std::nullopt, {}, "", std::nullopt, "command-a-solo"}), 3u);
  EXPECT_EQ(count({Tag::kPass, {}, "", std::nullopt, "command-a-solo"}), 1u);
  EXPECT_EQ(count({Tag::kPass, {}, "", std::nullopt, "gpt-4o"}), 0u) << "a whole name";

  cb::ForgetArgs args;
  args.tag = "any";
  args.run = "gpt-4o-solo";
  absl::StatusOr<cb::ForgetFilter> f = cb::ParseForgetFilter(args);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_FALSE(f->tag.has_value());
  EXPECT_EQ(f->run, "gpt-4o-solo");
  EXPECT_EQ(cb::SelectForForget(rows, *f).size(), 1u);
}

// The command line's words.
cb::ForgetArgs Words(const std::string& tag, const std::string& setting = "",
                     const std::string& repo = "", const std::string& reason = "") {
  cb::ForgetArgs args;
  args.tag = tag;
  if (!setting.empty()) args.settings = {setting};
  args.repo = repo;
  args.reason = reason;
  return args;
}

TEST(Forget, ParsesTheWordsOfTheCommandLine) {
  absl::StatusOr<cb::ForgetFilter> f =
      cb::ParseForgetFilter(Words("infra_error", "coop-comm", "a_task", "rate_limited"));
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->tag, cb::Tag::kInfraError);
  EXPECT_EQ(f->settings, std::set<cb::Setting>{cb::Setting::kCoopComm});
  EXPECT_EQ(f->repo, "a_task");
  EXPECT_EQ(f->reason, cb::Reason::kRateLimited);
  // Empty words: any setting, repository and reason.
  f = cb::ParseForgetFilter(Words("fail"));
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->tag, cb::Tag::kFail);
  EXPECT_TRUE(f->settings.empty());
  EXPECT_FALSE(f->reason.has_value());
  // "unknown" is a reason too: records with none, or with a word not in the list.
  f = cb::ParseForgetFilter(Words("fail", "", "", "unknown"));
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->reason, cb::Reason::kUnknown);
}

TEST(Forget, AWordNotInItsListIsAnErrorThatSaysWhichWordsAre) {
  EXPECT_EQ(cb::ParseForgetFilter(Words("infra")).status().message(),
            "--tag \"infra\": use pass, fail, infra_error or any");
  EXPECT_EQ(cb::ParseForgetFilter(Words("infra_error", "coop")).status().message(),
            "--settings \"coop\": use solo, coop-comm or coop-nocomm");
  const absl::Status bad =
      cb::ParseForgetFilter(Words("infra_error", "", "", "rate_limit")).status();
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.message(),
            "--reason \"rate_limit\": use one of " + absl::StrJoin(cb::AllReasonNames(), ", "));
  EXPECT_NE(bad.message().find(": use one of tests_passed, tests_failed, "), std::string::npos);
  EXPECT_NE(bad.message().find(", rate_limited, "), std::string::npos);
}

}  // namespace
