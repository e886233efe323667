// The terminal form of a report: fixed-width tables. Pure: writes to a stream.
#pragma once

#include <optional>
#include <ostream>
#include <string>

#include "results/report_summary.h"

namespace cb {

// "66.7%", "-" for nullopt.
std::string Percent(std::optional<double> rate);
// A difference of rates in percentage points: "+15.4", "-3.0", "+0.0" (never "-0.0").
std::string Points(double difference);
// "12.3k", "1.20M".
std::string ShortCount(long long n);

// The lines under the settings table: attempts with unknown cost and tokens
// (per setting, in total, and why), and per coop setting how many passes went
// through agent 1's patch alone. Nothing when there is nothing to say.
void WriteUsageNotes(const Summary& s, std::ostream& os);

// `source` names where the records came from ("out/", "plan: build.ninja").
void WriteReportText(const Summary& s, const std::string& source, std::ostream& os);

}  // namespace cb
