// Pure statistics for `cbgen report`: order statistics, the Wilson interval of
// one proportion, Newcombe's interval for the difference of two paired
// proportions, and Student's t interval of a mean of paired differences.
// Closed forms only: the same records always give the same numbers.
#pragma once

#include <optional>
#include <vector>

namespace cb {

// Quantile q in [0,1] by linear interpolation between order statistics
// (type 7, the default of R and numpy). nullopt for no values.
std::optional<double> Quantile(std::vector<double> values, double q);

struct Interval {
  double low = 0;
  double high = 0;
};

// 95% Wilson score interval of `successes` out of `n`; nullopt when n is 0.
std::optional<Interval> WilsonInterval(long long successes, long long n);

// Outcomes of the same pairs under two settings X and Y.
struct PairedTable {
  long long both = 0;     // X passed, Y passed
  long long x_only = 0;   // X passed, Y failed
  long long y_only = 0;   // X failed, Y passed
  long long neither = 0;  // both failed
  long long n() const { return both + x_only + y_only + neither; }
};

struct PairedDifference {
  double x_rate = 0;
  double y_rate = 0;
  double difference = 0;  // x_rate - y_rate
  Interval ci;
};

// Difference of pass rates X - Y with the 95% interval of Newcombe (1998),
// "Improved confidence intervals for the difference between binomial
// proportions based on paired data", method 10: Wilson limits of each rate,
// combined through the phi correlation of the 2x2 table, phi's numerator
// AD - BC corrected to max(AD - BC - N/2, 0) when AD > BC, and phi = 0 when a
// margin is empty. nullopt for n = 0.
std::optional<PairedDifference> NewcombePaired(const PairedTable& t);

// The one-line name of the method above, for reports.
inline constexpr char kGapMethod[] =
    "Newcombe hybrid score interval for paired proportions (method 10), 95%, deterministic";

// The mean of per-pair differences and its two-sided 95% Student t interval:
// mean -/+ t(0.975, n - 1) * sd / sqrt(n), sd the sample standard deviation
// (n - 1 in the denominator), as R's t.test(x, y, paired = TRUE) computes it.
struct MeanDifference {
  long long n = 0;
  double mean = 0;
  double sd = 0;
  double df = 0;            // n - 1
  std::optional<double> t;  // mean / (sd / sqrt(n)); nullopt when sd is 0
  Interval ci;              // [mean, mean] when sd is 0
};

// nullopt for fewer than 2 differences (no spread to estimate).
std::optional<MeanDifference> PairedMeanT(const std::vector<double>& differences);

// The one-line name of the method above, for reports.
inline constexpr char kPairedTMethod[] =
    "paired Student t interval of the mean per-pair difference, 95%, n - 1 degrees of freedom";

}  // namespace cb
