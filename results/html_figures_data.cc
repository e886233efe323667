#include "results/html_figures_data.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "results/report_models.h"

namespace cb {

const char* SettingColor(Setting s) {
  switch (s) {
    case Setting::kSolo: return "#4e79a7";
    case Setting::kCoopComm: return "#f28e2b";
    case Setting::kCoopNocomm: return "#59a14f";
  }
  return "#999";
}

bool RateFigure::empty() const {
  for (const RateGroup& g : groups)
    for (const std::optional<RateBar>& b : g.bars)
      if (b) return false;
  return true;
}

namespace {

// A model's part of the report: a ModelGroup, or the whole summary when it
// has no groups.
struct View {
  std::string label, prefix;
  const Summary* summary = nullptr;
  bool Owns(const RecordRow& r, bool several) const {
    return !several || RunPrefixOf(r.run_name) == prefix;
  }
};
std::vector<View> Views(const Summary& s) {
  if (s.models.empty()) return {View{"", "", &s}};
  std::vector<View> v;
  for (const ModelGroup& m : s.models) v.push_back(View{m.label, m.run_prefix, &m.summary});
  return v;
}

bool Built(const Summary& s, Setting st) {
  return s.built.count(st) > 0;
}

// "43% of 7" with its Wilson interval; `what` heads the tooltip.
RateBar Bar(long long successes, long long n, const std::string& what) {
  RateBar b;
  b.rate = n > 0 ? static_cast<double>(successes) / static_cast<double>(n) : 0;
  b.ci = WilsonInterval(successes, n);
  b.text = n > 0 ? absl::StrFormat("%.0f%% of %d", b.rate * 100, n) : "none finished";
  b.tip = absl::StrFormat("%s: %d of %d", what, successes, n);
  return b;
}

std::string Label(const View& v, bool several, Setting st) {
  return several ? absl::StrCat(v.label, " \u00b7 ", SettingName(st))
                 : std::string(SettingName(st));
}

const std::vector<Setting> kCoop = {Setting::kCoopComm, Setting::kCoopNocomm};

}  // namespace

std::vector<ForestRow> GapForestRows(const Summary& s) {
  const std::vector<View> views = Views(s);
  const bool several = views.size() > 1;
  std::vector<ForestRow> rows;
  for (size_t i = 0; i < views.size(); ++i) {
    const Summary& m = *views[i].summary;
    for (const Gap& g : m.gaps) {
      if (!Built(m, Setting::kSolo) || !Built(m, g.coop)) continue;
      ForestRow r;
      r.label = Label(views[i], several, g.coop);
      r.color = SettingColor(g.coop);
      r.note = absl::StrCat(g.table.n(), " pairs");
      if (g.result)
        r.estimate = g.result->difference, r.ci = g.result->ci;
      else
        r.note = "no pairs finished in both";
      rows.push_back(std::move(r));
    }
  }
  return rows;
}

RateFigure PassRateByModel(const Summary& s) {
  RateFigure f;
  for (Setting st : AllSettings())
    f.series.push_back(Series{std::string(SettingName(st)), SettingColor(st)});
  for (const View& v : Views(s)) {
    RateGroup g{v.label, {}};
    for (Setting st : AllSettings()) {
      auto it = v.summary->settings.find(st);
      if (!Built(*v.summary, st) || it == v.summary->settings.end()) {
        g.bars.push_back(std::nullopt);
        continue;
      }
      g.bars.push_back(Bar(it->second.pass, it->second.pass + it->second.fail,
                           absl::StrCat(v.label, " ", SettingName(st), " passes")));
    }
    f.groups.push_back(std::move(g));
  }
  return f;
}

namespace {

// The bucket of a task's solo solve rate.
int DifficultyBucket(double share) {
  if (share <= 0) return 0;
  if (share < 0.5) return 1;
  if (share < 1) return 2;
  return 3;
}
const char* const kDifficultyLabels[] = {"solved solo 0%", "solved solo 1-49%",
                                         "solved solo 50-99%", "solved solo 100%"};

}  // namespace

RateFigure CoopByDifficulty(const Summary& s, const std::vector<RecordRow>& rows) {
  const std::vector<View> views = Views(s);
  const bool several = views.size() > 1;
  RateFigure f;
  // counts[bucket][series] = {passes, finished}
  std::map<int, std::map<size_t, std::pair<long long, long long>>> counts;
  for (const View& v : views) {
    std::map<std::pair<std::string, long long>, double> share;
    for (const TaskDifficulty& t : v.summary->tasks) share[{t.repo, t.task_id}] = t.solved_share;
    for (Setting st : kCoop) {
      if (!Built(*v.summary, st) || !Built(*v.summary, Setting::kSolo)) continue;
      const size_t series = f.series.size();
      f.series.push_back(
          Series{Label(v, several, st), several ? PaletteColor(series) : SettingColor(st)});
      for (const RecordRow& r : rows) {
        if (r.setting != st || !v.Owns(r, several) || r.tag == Tag::kInfraError) continue;
        auto it = share.find({r.pair.repo, r.pair.task_id});
        if (it == share.end()) continue;  // solo never finished the task
        auto& c = counts[DifficultyBucket(it->second)][series];
        c.first += r.tag == Tag::kPass;
        ++c.second;
      }
    }
  }
  for (const auto& [bucket, by_series] : counts) {
    RateGroup g{kDifficultyLabels[bucket], std::vector<std::optional<RateBar>>(f.series.size())};
    for (const auto& [series, c] : by_series)
      g.bars[series] =
          Bar(c.first, c.second,
              absl::StrCat(f.series[series].name, " passes, tasks ", kDifficultyLabels[bucket]));
    f.groups.push_back(std::move(g));
  }
  return f;
}

RateFigure OutcomeByMessages(const Summary& s, const std::vector<RecordRow>& rows) {
  static const char* const kLabels[] = {"0 messages", "1-2 messages", "3-5 messages", "6+ messages",
                                        "messages unknown"};
  const std::vector<View> views = Views(s);
  const bool several = views.size() > 1;
  RateFigure f;
  std::map<int, std::map<size_t, std::pair<long long, long long>>> counts;
  for (const View& v : views) {
    if (!Built(*v.summary, Setting::kCoopComm)) continue;
    const size_t series = f.series.size();
    f.series.push_back(Series{several ? v.label : "coop-comm",
                              several ? PaletteColor(series) : SettingColor(Setting::kCoopComm)});
    for (const RecordRow& r : rows) {
      if (r.setting != Setting::kCoopComm || !v.Owns(r, several) || r.tag == Tag::kInfraError)
        continue;
      const std::optional<long long> m = r.messages_sent;
      const int bucket = !m ? 4 : *m == 0 ? 0 : *m <= 2 ? 1 : *m <= 5 ? 2 : 3;
      auto& c = counts[bucket][series];
      c.first += r.tag == Tag::kPass;
      ++c.second;
    }
  }
  for (const auto& [bucket, by_series] : counts) {
    RateGroup g{kLabels[bucket], std::vector<std::optional<RateBar>>(f.series.size())};
    for (const auto& [series, c] : by_series)
      g.bars[series] = Bar(c.first, c.second,
                           absl::StrCat(f.series[series].name, " passes with ", kLabels[bucket]));
    f.groups.push_back(std::move(g));
  }
  return f;
}

RateFigure MergeConflictRate(const Summary& s, const std::vector<RecordRow>& rows) {
  const std::vector<View> views = Views(s);
  const bool several = views.size() > 1;
  RateFigure f;
  for (Setting st : kCoop)
    f.series.push_back(Series{std::string(SettingName(st)), SettingColor(st)});
  for (const View& v : views) {
    RateGroup g{several ? v.label : "all pairs", std::vector<std::optional<RateBar>>(kCoop.size())};
    for (size_t i = 0; i < kCoop.size(); ++i) {
      if (!Built(*v.summary, kCoop[i])) continue;
      long long conflicts = 0, n = 0;
      for (const RecordRow& r : rows) {
        if (r.setting != kCoop[i] || !v.Owns(r, several) || !r.merge_status) continue;
        conflicts += *r.merge_status == "conflicts" || *r.merge_status == "error";
        ++n;
      }
      if (n > 0)
        g.bars[i] =
            Bar(conflicts, n, absl::StrCat(Label(v, several, kCoop[i]), " merge conflicts"));
    }
    f.groups.push_back(std::move(g));
  }
  return f;
}

}  // namespace cb
