// Ninja escaping, mode by mode.
#include "generator/ninja_escape.h"

#include <gtest/gtest.h>

namespace cb {
namespace {

TEST(EscapePath, EscapesSpaceColonDollar) {
  EXPECT_EQ(*EscapePath("out/a b:c$d"), "out/a$ b$:c$$d");
  EXPECT_EQ(*EscapePath("plain/path.json"), "plain/path.json");
}

TEST(EscapePath, RefusesWhatNinjaCannotSay) {
  EXPECT_FALSE(EscapePath("a|b").ok());
  EXPECT_FALSE(EscapePath("a\nb").ok());
  EXPECT_FALSE(EscapePath("").ok());
  EXPECT_NE(std::string(EscapePath("a|b").status().message()).find("'|'"), std::string::npos);
}

TEST(EscapeValue, OnlyDollarAndALeadingSpace) {
  EXPECT_EQ(*EscapeValue("a b:c$d"), "a b:c$$d");
  EXPECT_EQ(*EscapeValue(" lead"), "$ lead");
  EXPECT_FALSE(EscapeValue("x\ny").ok());
}

TEST(ShellQuote, SafeWordsStayAndTheRestIsSingleQuoted) {
  EXPECT_EQ(ShellQuote("command-a-03-2025"), "command-a-03-2025");
  EXPECT_EQ(ShellQuote("/usr/bin/x,y:z"), "/usr/bin/x,y:z");
  EXPECT_EQ(ShellQuote("a b"), "'a b'");
  EXPECT_EQ(ShellQuote("it's;#"), "'it'\\''s;#'");
  EXPECT_EQ(ShellQuote(""), "''");
}

TEST(EscapeShellArg, QuotesForShellThenEscapesForNinja) {
  EXPECT_EQ(*EscapeShellArg("/opt/my tools/$x"), "'/opt/my tools/$$x'");
}

}  // namespace
}  // namespace cb
