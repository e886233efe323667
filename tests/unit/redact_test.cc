// Issue 16, item 6: the pure redactor: secret values and URL passwords become
// ***, in whole texts and in a stream cut anywhere.
#include "util/redact.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <string>

namespace {

using cb::Redactor;
using cb::RedactUrlPasswords;
using cb::StreamRedactor;
using cb::UrlPassword;

const std::string kKey = "co-SECRET-4f9a2b7c1d";

TEST(Redactor, ReplacesEveryOccurrenceOfEveryValue) {
  Redactor r({kKey, "sk-other-SECRET-99"});
  EXPECT_EQ(r.Redact("litellm.AuthenticationError: invalid api key " + kKey + " (key=" + kKey +
                     ") sk-other-SECRET-99"),
            "litellm.AuthenticationError: invalid api key *** (key=***) ***");
  EXPECT_EQ(r.Redact("nothing secret here"), "nothing secret here");
  EXPECT_EQ(r.Redact(""), "");
}

TEST(Redactor, ShortValuesAreLeftAloneSoOrdinaryTextSurvives) {
  Redactor r({"x", "abc", "1234567"});
  EXPECT_EQ(r.longest(), 0u);
  EXPECT_EQ(r.Redact("x marks abc 1234567"), "x marks abc 1234567");
  EXPECT_EQ(Redactor({"12345678"}).Redact("id 12345678"), "id ***");
}

TEST(Redactor, TheLongestValueWinsWhereTwoOverlap) {
  Redactor r({"SECRET-abcdef", "SECRET-abcdef-and-more"});
  EXPECT_EQ(r.Redact("[SECRET-abcdef-and-more] [SECRET-abcdef]"), "[***] [***]");
}

TEST(UrlPasswords, UserinfoPasswordsAreRedactedWhateverTheirLength) {
  EXPECT_EQ(RedactUrlPasswords("redis://:pw@127.0.0.1:6391"), "redis://:***@127.0.0.1:6391");
  EXPECT_EQ(RedactUrlPasswords("redis://user:PASS@host:1/2"), "redis://user:***@host:1/2");
  EXPECT_EQ(RedactUrlPasswords("rediss://default:p%40ss@cloud.example.com:6380"),
            "rediss://default:***@cloud.example.com:6380");
  // An unencoded '@' in the password: the userinfo ends at the last one (urllib).
  EXPECT_EQ(RedactUrlPasswords("redis://:a@b@h:1"), "redis://:***@h:1");
  // In running text, several URLs, quotes and brackets around them.
  EXPECT_EQ(RedactUrlPasswords("Error connecting to 'redis://:s3cret@h:1' and "
                               "<https://bob:hunter2@example.com/x>, see http://example.com"),
            "Error connecting to 'redis://:***@h:1' and <https://bob:***@example.com/x>, see "
            "http://example.com");
}

TEST(UrlPasswords, UrlsWithoutPasswordsAndOtherTextStayAsTheyAre) {
  for (const std::string text :
       {"redis://localhost:6379", "redis://user@host:1", "redis://user:@host:1", "mailto x@y.z",
        "a://b", "://:p@h", "time 12:30@home", "http://h/path:x@y"})
    EXPECT_EQ(RedactUrlPasswords(text), text);
  EXPECT_EQ(RedactUrlPasswords(RedactUrlPasswords("redis://:pw@h")), "redis://:***@h");
}

TEST(UrlPasswords, ThePasswordAsItStandsInTheUrl) {
  EXPECT_EQ(UrlPassword("redis://:PASS@127.0.0.1:6391"), "PASS");
  EXPECT_EQ(UrlPassword("redis://u:p%40ss@h"), "p%40ss");
  EXPECT_EQ(UrlPassword("redis://u@h"), "");
  EXPECT_EQ(UrlPassword("redis://h:6379"), "");
}

TEST(Redactor, RedactsUrlPasswordsToo) {
  EXPECT_EQ(Redactor().Redact("--redis redis://:pw@h:1"), "--redis redis://:***@h:1");
  EXPECT_EQ(Redactor({kKey}).Redact("redis://:" + kKey + "@h " + kKey), "redis://:***@h ***");
}

TEST(KeyVariables, ProvidersKeysAndTokensByName) {
  for (const char* name : {"COHERE_API_KEY", "OPENAI_API_KEY", "ANTHROPIC_API_KEY",
                           "GEMINI_API_KEY", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                           "MODAL_TOKEN_SECRET", "HF_TOKEN", "GITHUB_TOKEN"})
    EXPECT_TRUE(cb::IsKeyVariable(name)) << name;
  for (const char* name : {"PATH", "HOME", "COHERE_API_KEY_FILE", "MODAL_TOKEN_ID", "API_KEY_ENV"})
    EXPECT_FALSE(cb::IsKeyVariable(name)) << name;
}

TEST(Redactor, FromEnvironmentTakesTheConfiguredVariableAndTheKnownOnes) {
  ::setenv("CBTEST_MY_KEY", "cbtest-configured-SECRET", 1);
  ::setenv("CBTEST_PROVIDER_API_KEY", "cbtest-provider-SECRET", 1);
  ::setenv("CBTEST_NOT_A_KEY", "cbtest-plain-value-123", 1);
  const Redactor r = Redactor::FromEnvironment("CBTEST_MY_KEY", {"cbtest-redis-SECRET"});
  EXPECT_EQ(r.Redact("cbtest-configured-SECRET cbtest-provider-SECRET cbtest-redis-SECRET "
                     "cbtest-plain-value-123"),
            "*** *** *** cbtest-plain-value-123");
  ::unsetenv("CBTEST_MY_KEY");
  ::unsetenv("CBTEST_PROVIDER_API_KEY");
  ::unsetenv("CBTEST_NOT_A_KEY");
}

// Feeds `text` cut into pieces of `step` bytes; returns everything written.
std::string Streamed(const Redactor& r, const std::string& text, size_t step) {
  StreamRedactor s(r);
  std::string out;
  for (size_t i = 0; i < text.size(); i += step) out += s.Feed(text.substr(i, step));
  return out + s.Finish();
}

TEST(StreamRedactor, AValueSplitAcrossReadsIsStillRedacted) {
  const Redactor r({kKey});
  const std::string text =
      "first line\nerror: bad key " + kKey + " (redis://:pw@h:1)\r" + "progress 50%\rlast " + kKey;
  const std::string want = r.Redact(text);
  EXPECT_EQ(want.find(kKey), std::string::npos);
  for (size_t step = 1; step <= text.size(); ++step)
    EXPECT_EQ(Streamed(r, text, step), want) << "pieces of " << step;
}

TEST(StreamRedactor, WholeLinesGoOutAtOnceTheUnendedRestWaits) {
  const Redactor r({kKey});
  StreamRedactor s(r);
  EXPECT_EQ(s.Feed("one\ntwo " + kKey.substr(0, 5)), "one\n");
  EXPECT_EQ(s.Feed(kKey.substr(5) + " three"), "");
  EXPECT_EQ(s.Finish(), "two *** three");
}

TEST(StreamRedactor, AVeryLongLineGoesOutInPiecesWithoutSplittingAValue) {
  const Redactor r({kKey});
  std::string text;
  while (text.size() < 3 * StreamRedactor::kMaxPendingLine) text += "x" + kKey;  // no blanks
  text += "\n";
  StreamRedactor s(r);
  std::string out;
  size_t pieces = 0;
  for (size_t i = 0; i < text.size(); i += 4096) {
    std::string piece = s.Feed(text.substr(i, 4096));
    pieces += !piece.empty();
    out += piece;
  }
  out += s.Finish();
  EXPECT_GT(pieces, 2u) << "written before the line ended";
  EXPECT_EQ(out, r.Redact(text));
}

}  // namespace
