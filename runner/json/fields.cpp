#include "runner/json/fields.hpp"

namespace crashlab::runner {

Fields::Fields(const nlohmann::json& obj, std::string file, std::string path, Nulls nulls)
    : obj_(obj), file_(std::move(file)), path_(std::move(path)), nulls_(nulls) {
  if (!obj_.is_object())
    throw InputError(file_ + ": " + (path_.empty() ? "top level" : path_) + ": must be an object, got " + shown(obj_));
}

std::string Fields::shown(const nlohmann::json& v) {
  // Inputs come through parse_strict_json, so the value is at most kMaxJsonDepth deep.
  std::string d = v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return d.size() > 60 ? d.substr(0, 57) + "..." : d;
}

std::string Fields::clipped(const std::string& text, size_t max) {
  std::string out;
  for (unsigned char c : text.substr(0, max)) {
    if (c >= 0x20 && c != 0x7f) {
      out += char(c);
      continue;
    }
    static const char* kHex = "0123456789abcdef";
    out += std::string("\\x") + kHex[c >> 4] + kHex[c & 15];
  }
  return text.size() > max ? out + "..." : out;
}

void Fields::fail(const std::string& field, const std::string& why) const {
  throw InputError(file_ + ": " + clipped(path(field), 160) + ": " + why);
}

bool Fields::has(const std::string& key) const {
  auto it = obj_.find(key);
  return it != obj_.end() && !(nulls_ == Nulls::Missing && it->is_null());
}

const nlohmann::json& Fields::get(const std::string& key) {
  seen_.insert(key);
  if (!has(key)) fail(key, "missing");
  return obj_.at(key);
}

std::string Fields::string(const std::string& key, const std::set<std::string>& allowed) {
  const auto& v = get(key);
  if (!v.is_string()) fail(key, "must be a string, got " + shown(v));
  std::string s = v.get<std::string>();
  if (!allowed.empty() && !allowed.count(s)) {
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    fail(key, "'" + clipped(s, 60) + "' is not one of: " + list);
  }
  return s;
}

std::optional<std::string> Fields::opt_string(const std::string& key, const std::set<std::string>& allowed) {
  if (!has(key)) return std::nullopt;
  return string(key, allowed);
}

int64_t Fields::integer(const std::string& key, int64_t min, int64_t max) {
  const auto& v = get(key);
  if (!v.is_number_integer()) fail(key, "must be an integer, got " + shown(v));
  // An unsigned value above INT64_MAX must not wrap into range.
  if (v.is_number_unsigned() && v.get<uint64_t>() > uint64_t(max))
    fail(key, shown(v) + " is out of range [" + std::to_string(min) + ", " + std::to_string(max) + "]");
  int64_t n = v.get<int64_t>();
  if (n < min || n > max)
    fail(key, std::to_string(n) + " is out of range [" + std::to_string(min) + ", " + std::to_string(max) + "]");
  return n;
}

std::optional<int64_t> Fields::opt_integer(const std::string& key, int64_t min, int64_t max) {
  if (!has(key)) return std::nullopt;
  return integer(key, min, max);
}

std::optional<bool> Fields::opt_bool(const std::string& key) {
  if (!has(key)) return std::nullopt;
  const auto& v = get(key);
  if (!v.is_boolean()) fail(key, "must be true or false, got " + shown(v));
  return v.get<bool>();
}

double Fields::number(const std::string& key) {
  const auto& v = get(key);
  if (!v.is_number()) fail(key, "must be a number, got " + shown(v));
  return v.get<double>();
}

std::optional<double> Fields::opt_number(const std::string& key) {
  if (!has(key)) return std::nullopt;
  return number(key);
}

std::optional<double> Fields::opt_number(const std::string& key, double min, double max) {
  auto n = opt_number(key);
  if (n && (*n < min || *n > max))
    fail(key, shown(obj_.at(key)) + " is out of range [" + std::to_string(min) + ", " + std::to_string(max) + "]");
  return n;
}

const nlohmann::json& Fields::object(const std::string& key) {
  const auto& v = get(key);
  if (!v.is_object()) fail(key, "must be an object, got " + shown(v));
  return v;
}

const nlohmann::json* Fields::opt_array(const std::string& key) {
  if (!has(key)) return nullptr;
  const auto& v = get(key);
  if (!v.is_array()) fail(key, "must be an array, got " + shown(v));
  return &v;
}

Fields Fields::child(const std::string& key) { return Fields(object(key), file_, path(key), nulls_); }

Fields Fields::element(const std::string& key, size_t i) const {
  return Fields(obj_.at(key).at(i), file_, path(key) + "[" + std::to_string(i) + "]", nulls_);
}

std::string Fields::string_element(const std::string& key, size_t i) const {
  const auto& v = obj_.at(key).at(i);
  const std::string field = key + "[" + std::to_string(i) + "]";
  if (!v.is_string()) fail(field, "must be a string, got " + shown(v));
  return v.get<std::string>();
}

const nlohmann::json& Fields::all_items() {
  for (const auto& [k, v] : obj_.items()) seen_.insert(k);
  return obj_;
}

void Fields::done() const {
  for (const auto& [k, v] : obj_.items())
    if (!seen_.count(k)) fail(k, "unknown key");
}

}  // namespace crashlab::runner
