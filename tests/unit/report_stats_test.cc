// Student's t interval of a mean of paired differences (results/report_stats.h),
// pinned to a published example.
#include <gtest/gtest.h>

#include <vector>

#include "results/report_stats.h"

namespace {

// Student (1908), "The probable error of a mean", Biometrika 6:1-25: the
// sleep data (Cushny & Peebles), as R ships it (datasets::sleep). R's
// documented example `t.test(extra ~ group, data = sleep, paired = TRUE)`
// prints: t = -4.0621, df = 9, p-value = 0.002833; 95 percent confidence
// interval -2.4598858 -0.7001142; mean difference -1.58. The differences are
// group 1 minus group 2, patient by patient.
TEST(ReportStats, PairedMeanTMatchesStudentsSleepDataInR) {
  const std::vector<double> d = {-1.2, -2.4, -1.3, -1.3, 0, -1, -1.8, -0.8, -4.6, -1.4};
  const cb::MeanDifference m = *cb::PairedMeanT(d);
  EXPECT_EQ(m.n, 10);
  EXPECT_NEAR(m.mean, -1.58, 1e-12);
  EXPECT_DOUBLE_EQ(m.df, 9);
  ASSERT_TRUE(m.t.has_value());
  EXPECT_NEAR(*m.t, -4.0621, 5e-5);
  EXPECT_NEAR(m.ci.low, -2.4598858, 5e-8);
  EXPECT_NEAR(m.ci.high, -0.7001142, 5e-8);
}

TEST(ReportStats, PairedMeanTEdges) {
  EXPECT_FALSE(cb::PairedMeanT({}).has_value());
  EXPECT_FALSE(cb::PairedMeanT({1}).has_value()) << "one difference has no spread";
  const cb::MeanDifference same = *cb::PairedMeanT({1, 1, 1});
  EXPECT_DOUBLE_EQ(same.mean, 1);
  EXPECT_FALSE(same.t.has_value());
  EXPECT_DOUBLE_EQ(same.ci.low, 1);
  EXPECT_DOUBLE_EQ(same.ci.high, 1);
}

}  // namespace
