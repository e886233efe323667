// Reading JSON documents with errors that name the file and the position.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include "absl/strings/string_view.h"

#include <boost/json.hpp>

#include "absl/status/statusor.h"

namespace cb {

// Parses `text`; a syntax error names `source` (a file name) with line and column.
absl::StatusOr<boost::json::value> ParseJson(absl::string_view text, absl::string_view source);
// Reads and parses a file.
absl::StatusOr<boost::json::value> ReadJsonFile(const std::filesystem::path& path);

// Field accessors that return nullopt when the key is absent or of another type.
const boost::json::value* Field(const boost::json::value& v, absl::string_view key);
std::optional<std::string> StringField(const boost::json::value& v, absl::string_view key);
std::optional<double> NumberField(const boost::json::value& v, absl::string_view key);
std::optional<long long> IntField(const boost::json::value& v, absl::string_view key);
std::optional<bool> BoolField(const boost::json::value& v, absl::string_view key);

// Pretty-prints with two-space indentation and a final newline.
std::string PrettyJson(const boost::json::value& v);

}  // namespace cb
