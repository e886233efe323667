// The data of the HTML index's cross-model figures, from the summary (one
// ModelGroup per model, results/report_summary.h) and the records: coordination
// gaps per model and coop setting, pass rate per model and setting, coop
// success by solo difficulty, coop-comm outcome by messages sent, and the
// merge-conflict rate. Only settings in a group's build get rows or bars; a
// figure with no bar at all comes back empty (and is not drawn). Pure.
#pragma once

#include <vector>

#include "results/html_figures.h"
#include "results/report_data.h"
#include "results/report_summary.h"

namespace cb {

const char* SettingColor(Setting s);

struct RateFigure {
  std::vector<Series> series;
  std::vector<RateGroup> groups;
  bool empty() const;
};

// One row per model and coop setting built with solo (label "MODEL · SETTING",
// just the setting for one model).
std::vector<ForestRow> GapForestRows(const Summary& s);
// Groups: models; series: settings.
RateFigure PassRateByModel(const Summary& s);
// Groups: the solo solve rate of the pair's task (0%, 1-49%, 50-99%, 100%);
// series: model x coop setting; bars: coop pass rate there.
RateFigure CoopByDifficulty(const Summary& s, const std::vector<RecordRow>& rows);
// coop-comm only. Groups: messages_sent (0, 1-2, 3-5, 6+, unknown); series: models.
RateFigure OutcomeByMessages(const Summary& s, const std::vector<RecordRow>& rows);
// Groups: models; series: coop settings; bars: merge_status "conflicts" or
// "error" among the records with a merge status.
RateFigure MergeConflictRate(const Summary& s, const std::vector<RecordRow>& rows);

}  // namespace cb
