// ParseJson on arbitrary text: errors name the source; what parses prints and
// parses back to the same value (doubles within a few ulps); the field accessors never crash.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "util/json_read.h"

namespace {

// Equal values, doubles within a few ulps: Boost.JSON 1.81's default parser is
// not correctly rounded, so text that names a double exactly may read back one
// ulp off (1.8888888888888887E85 reads as 1.888888888888889E85).
// PrettyJson writes a non-finite double (a number too big for a double parses
// as infinity) as null: JSON has no infinity.
bool Same(const boost::json::value& a, const boost::json::value& b) {
  if (a.is_double() && !std::isfinite(a.get_double())) return b.is_null();
  if (b.is_double() && !std::isfinite(b.get_double())) return a.is_null();
  if (a.is_double() && b.is_double()) {
    const double x = a.get_double(), y = b.get_double();
    return x == y || std::fabs(x - y) <= 1e-14 * std::fmax(std::fabs(x), std::fabs(y));
  }
  if (a.kind() != b.kind()) return false;
  if (a.is_array()) {
    const auto &p = a.get_array(), &q = b.get_array();
    if (p.size() != q.size()) return false;
    for (size_t i = 0; i < p.size(); ++i)
      if (!Same(p[i], q[i])) return false;
    return true;
  }
  if (a.is_object()) {
    const auto &p = a.get_object(), &q = b.get_object();
    if (p.size() != q.size()) return false;
    for (const auto& kv : p) {
      const boost::json::value* other = q.if_contains(kv.key());
      if (other == nullptr || !Same(kv.value(), *other)) return false;
    }
    return true;
  }
  return a == b;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<boost::json::value> v = cb::ParseJson(text, "fuzz.json");
  if (!v.ok()) {
    if (v.status().message().find("fuzz.json") == absl::string_view::npos) std::abort();
    return 0;
  }
  const std::string pretty = cb::PrettyJson(*v);
  absl::StatusOr<boost::json::value> again = cb::ParseJson(pretty, "pretty");
  if (!again.ok() || !Same(*again, *v)) std::abort();
  if (v->is_object()) {
    for (const auto& kv : v->get_object()) {
      const std::string key(kv.key());
      (void)cb::Field(*v, key);
      (void)cb::StringField(*v, key);
      (void)cb::NumberField(*v, key);
      (void)cb::IntField(*v, key);
      (void)cb::BoolField(*v, key);
    }
  }
  return 0;
}
