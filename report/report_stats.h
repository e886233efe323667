// Pure statistics for `cbgen report`: order statistics, the Wilson interval of
// one proportion, and Newcombe's interval for the difference of two paired
// proportions. Closed forms only: the same records always give the same numbers.
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

}  // namespace cb
