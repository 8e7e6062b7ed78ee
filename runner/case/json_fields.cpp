#include "runner/case/json_fields.hpp"

namespace crashlab {

Fields::Fields(const nlohmann::json& obj, std::string file, std::string path)
    : obj_(obj), file_(std::move(file)), path_(std::move(path)) {
  if (!obj_.is_object()) throw CaseError(file_ + ": " + (path_.empty() ? "top level" : path_) + ": must be an object");
}

void Fields::fail(const std::string& field, const std::string& why) const {
  throw CaseError(file_ + ": " + path(field) + ": " + why);
}

const nlohmann::json& Fields::get(const std::string& key) {
  seen_.insert(key);
  if (!obj_.contains(key)) fail(key, "missing");
  return obj_.at(key);
}

std::string Fields::string(const std::string& key, const std::set<std::string>& allowed) {
  const auto& v = get(key);
  if (!v.is_string()) fail(key, "must be a string, got " + v.dump());
  std::string s = v.get<std::string>();
  if (!allowed.empty() && !allowed.count(s)) {
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    fail(key, "'" + s + "' is not one of: " + list);
  }
  return s;
}

std::optional<std::string> Fields::opt_string(const std::string& key, const std::set<std::string>& allowed) {
  if (!has(key)) return std::nullopt;
  return string(key, allowed);
}

int64_t Fields::integer(const std::string& key, int64_t min, int64_t max) {
  const auto& v = get(key);
  if (!v.is_number_integer()) fail(key, "must be an integer, got " + v.dump());
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
  if (!v.is_boolean()) fail(key, "must be true or false, got " + v.dump());
  return v.get<bool>();
}

std::optional<double> Fields::opt_number(const std::string& key, double min, double max) {
  if (!has(key)) return std::nullopt;
  const auto& v = get(key);
  if (!v.is_number()) fail(key, "must be a number, got " + v.dump());
  double n = v.get<double>();
  if (n < min || n > max) fail(key, v.dump() + " is out of range [" + std::to_string(min) + ", " + std::to_string(max) + "]");
  return n;
}

const nlohmann::json& Fields::object(const std::string& key) {
  const auto& v = get(key);
  if (!v.is_object()) fail(key, "must be an object, got " + v.dump());
  return v;
}

const nlohmann::json* Fields::opt_object(const std::string& key) { return has(key) ? &object(key) : nullptr; }

const nlohmann::json* Fields::opt_array(const std::string& key) {
  if (!has(key)) return nullptr;
  const auto& v = get(key);
  if (!v.is_array()) fail(key, "must be an array, got " + v.dump());
  return &v;
}

Fields Fields::child(const std::string& key) { return Fields(object(key), file_, path(key)); }

const nlohmann::json& Fields::all_items() {
  for (const auto& [k, v] : obj_.items()) seen_.insert(k);
  return obj_;
}

void Fields::done() const {
  for (const auto& [k, v] : obj_.items())
    if (!seen_.count(k)) fail(k, "unknown key");
}

}  // namespace crashlab
