#include "util/json_read.h"

#include <charconv>
#include <cmath>
#include <sstream>

#include "absl/strings/str_format.h"
#include "util/atomic_file.h"

namespace cb {

namespace {
// 1-based line and column of byte offset `pos` in `text`.
std::pair<int, int> LineColumn(absl::string_view text, size_t pos) {
  int line = 1, col = 1;
  for (size_t i = 0; i < pos && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return {line, col};
}
}  // namespace

absl::StatusOr<boost::json::value> ParseJson(absl::string_view text, absl::string_view source) {
  boost::json::stream_parser parser;
  boost::system::error_code ec;
  size_t used = parser.write_some(text.data(), text.size(), ec);
  if (!ec) parser.finish(ec);
  if (!ec && used < text.size()) {
    // write_some stops after a complete value; anything but whitespace after it is an error.
    for (size_t i = used; i < text.size(); ++i) {
      if (!std::isspace(static_cast<unsigned char>(text[i]))) {
        auto [line, col] = LineColumn(text, i);
        return absl::InvalidArgumentError(absl::StrFormat(
            "%s:%d:%d: invalid JSON: unexpected text after the document", source, line, col));
      }
    }
  }
  if (ec) {
    auto [line, col] = LineColumn(text, used);
    return absl::InvalidArgumentError(
        absl::StrFormat("%s:%d:%d: invalid JSON: %s", source, line, col, ec.message()));
  }
  return parser.release();
}

absl::StatusOr<boost::json::value> ReadJsonFile(const std::filesystem::path& path) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  return ParseJson(*text, path.string());
}

const boost::json::value* Field(const boost::json::value& v, absl::string_view key) {
  const boost::json::object* obj = v.if_object();
  if (obj == nullptr) return nullptr;
  return obj->if_contains(boost::json::string_view(key.data(), key.size()));
}

std::optional<std::string> StringField(const boost::json::value& v, absl::string_view key) {
  const boost::json::value* f = Field(v, key);
  if (f == nullptr || !f->is_string()) return std::nullopt;
  return std::string(f->get_string());
}

std::optional<double> NumberField(const boost::json::value& v, absl::string_view key) {
  const boost::json::value* f = Field(v, key);
  if (f == nullptr) return std::nullopt;
  if (f->is_double())
    return std::isfinite(f->get_double()) ? std::optional(f->get_double()) : std::nullopt;
  if (f->is_int64()) return static_cast<double>(f->get_int64());
  if (f->is_uint64()) return static_cast<double>(f->get_uint64());
  return std::nullopt;
}

std::optional<long long> IntField(const boost::json::value& v, absl::string_view key) {
  const boost::json::value* f = Field(v, key);
  if (f == nullptr) return std::nullopt;
  if (f->is_int64()) return f->get_int64();
  if (f->is_uint64() && f->get_uint64() <= static_cast<uint64_t>(INT64_MAX))
    return static_cast<long long>(f->get_uint64());
  return std::nullopt;
}

std::optional<bool> BoolField(const boost::json::value& v, absl::string_view key) {
  const boost::json::value* f = Field(v, key);
  if (f == nullptr || !f->is_bool()) return std::nullopt;
  return f->get_bool();
}

namespace {
void Pretty(std::ostream& os, const boost::json::value& v, int indent);

void PrettyObject(std::ostream& os, const boost::json::object& obj, int indent) {
  if (obj.empty()) {
    os << "{}";
    return;
  }
  const std::string inner((indent + 1) * 2, ' ');
  os << "{\n";
  bool first = true;
  for (const auto& kv : obj) {
    if (!first) os << ",\n";
    first = false;
    os << inner << boost::json::serialize(boost::json::string(kv.key())) << ": ";
    Pretty(os, kv.value(), indent + 1);
  }
  os << "\n" << std::string(indent * 2, ' ') << "}";
}

void PrettyArray(std::ostream& os, const boost::json::array& arr, int indent) {
  if (arr.empty()) {
    os << "[]";
    return;
  }
  bool scalars = true;
  for (const auto& e : arr) scalars = scalars && !e.is_object() && !e.is_array();
  if (scalars) {  // on one line, each number written as below
    os << "[";
    for (size_t i = 0; i < arr.size(); ++i) {
      if (i) os << ",";
      Pretty(os, arr[i], indent + 1);
    }
    os << "]";
    return;
  }
  const std::string inner((indent + 1) * 2, ' ');
  os << "[\n";
  bool first = true;
  for (const auto& e : arr) {
    if (!first) os << ",\n";
    first = false;
    os << inner;
    Pretty(os, e, indent + 1);
  }
  os << "\n" << std::string(indent * 2, ' ') << "]";
}

void PrettyDouble(std::ostream& os, double d) {
  // JSON has no NaN or infinity: write null, which readers treat as missing.
  if (!std::isfinite(d)) {
    os << "null";
    return;
  }
  // Shortest text that reads back as the same double: 10 not 1E1, 0.12 not 1.2E-1.
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d);
  std::string text(buf, res.ptr);
  if (text.find_first_of(".eEn") == std::string::npos) text += ".0";
  os << text;
}

void Pretty(std::ostream& os, const boost::json::value& v, int indent) {
  switch (v.kind()) {
    case boost::json::kind::object: return PrettyObject(os, v.get_object(), indent);
    case boost::json::kind::array: return PrettyArray(os, v.get_array(), indent);
    case boost::json::kind::double_: return PrettyDouble(os, v.get_double());
    default: os << boost::json::serialize(v);
  }
}
}  // namespace

std::string PrettyJson(const boost::json::value& v) {
  std::ostringstream os;
  Pretty(os, v, 0);
  os << "\n";
  return os.str();
}

}  // namespace cb
