#include "results/report_stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <boost/math/distributions/students_t.hpp>

namespace cb {

namespace {
constexpr double kZ95 = 1.959963984540054;  // the 0.975 quantile of the standard normal
}

std::optional<double> Quantile(std::vector<double> values, double q) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  const double pos = std::clamp(q, 0.0, 1.0) * static_cast<double>(values.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(lo + 1, values.size() - 1);
  const double frac = pos - static_cast<double>(lo);
  return values[lo] + (values[hi] - values[lo]) * frac;
}

std::optional<Interval> WilsonInterval(long long successes, long long n) {
  if (n <= 0) return std::nullopt;
  const double nn = static_cast<double>(n);
  const double p = static_cast<double>(successes) / nn;
  const double z2 = kZ95 * kZ95;
  const double denom = 1 + z2 / nn;
  const double centre = (p + z2 / (2 * nn)) / denom;
  const double half = kZ95 * std::sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn)) / denom;
  return Interval{std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

std::optional<PairedDifference> NewcombePaired(const PairedTable& t) {
  const long long n = t.n();
  if (n <= 0) return std::nullopt;
  const long long x_pass = t.both + t.x_only;
  const long long y_pass = t.both + t.y_only;
  const double nn = static_cast<double>(n);
  PairedDifference d;
  d.x_rate = static_cast<double>(x_pass) / nn;
  d.y_rate = static_cast<double>(y_pass) / nn;
  d.difference = d.x_rate - d.y_rate;
  const Interval x = *WilsonInterval(x_pass, n);
  const Interval y = *WilsonInterval(y_pass, n);
  // phi of the 2x2 table as method 10 prescribes: 0 when a margin is empty;
  // when AD > BC its numerator is corrected for continuity to
  // max(AD - BC - N/2, 0); when AD <= BC it is AD - BC, uncorrected.
  const double margins = static_cast<double>(x_pass) * static_cast<double>(n - x_pass) *
                         static_cast<double>(y_pass) * static_cast<double>(n - y_pass);
  const double ad_bc = static_cast<double>(t.both) * static_cast<double>(t.neither) -
                       static_cast<double>(t.x_only) * static_cast<double>(t.y_only);
  const double numerator = ad_bc > 0 ? std::max(ad_bc - nn / 2, 0.0) : ad_bc;
  const double phi = margins > 0 ? numerator / std::sqrt(margins) : 0.0;
  const double x_down = d.x_rate - x.low, x_up = x.high - d.x_rate;
  const double y_down = d.y_rate - y.low, y_up = y.high - d.y_rate;
  const double lower =
      std::sqrt(std::max(0.0, x_down * x_down - 2 * phi * x_down * y_up + y_up * y_up));
  const double upper =
      std::sqrt(std::max(0.0, x_up * x_up - 2 * phi * x_up * y_down + y_down * y_down));
  d.ci = Interval{std::max(-1.0, d.difference - lower), std::min(1.0, d.difference + upper)};
  return d;
}

std::optional<MeanDifference> PairedMeanT(const std::vector<double>& differences) {
  if (differences.size() < 2) return std::nullopt;
  MeanDifference m;
  m.n = static_cast<long long>(differences.size());
  const double n = static_cast<double>(m.n);
  m.mean = std::accumulate(differences.begin(), differences.end(), 0.0) / n;
  double squares = 0;
  for (double d : differences) squares += (d - m.mean) * (d - m.mean);
  m.sd = std::sqrt(squares / (n - 1));
  m.df = n - 1;
  const double se = m.sd / std::sqrt(n);
  if (se <= 0) {
    m.ci = Interval{m.mean, m.mean};
    return m;
  }
  m.t = m.mean / se;
  const double q = boost::math::quantile(boost::math::students_t(m.df), 0.975);
  m.ci = Interval{m.mean - q * se, m.mean + q * se};
  return m;
}

}  // namespace cb
