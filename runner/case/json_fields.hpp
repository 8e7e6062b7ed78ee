#pragma once
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "runner/case/case_spec.hpp"

namespace crashlab {

// Walks one JSON object of a case file, remembering where it is, so every error
// names the file and the field; refuses keys nobody asked for.
class Fields {
 public:
  Fields(const nlohmann::json& obj, std::string file, std::string path);

  [[noreturn]] void fail(const std::string& field, const std::string& why) const;
  bool has(const std::string& key) const { return obj_.contains(key); }
  std::string string(const std::string& key, const std::set<std::string>& allowed = {});
  std::optional<std::string> opt_string(const std::string& key, const std::set<std::string>& allowed = {});
  int64_t integer(const std::string& key, int64_t min, int64_t max);
  std::optional<int64_t> opt_integer(const std::string& key, int64_t min, int64_t max);
  std::optional<bool> opt_bool(const std::string& key);
  std::optional<double> opt_number(const std::string& key, double min, double max);
  const nlohmann::json& object(const std::string& key);   // must be an object
  const nlohmann::json* opt_object(const std::string& key);
  const nlohmann::json* opt_array(const std::string& key);
  Fields child(const std::string& key);                    // a nested object, required
  std::string path(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
  const std::string& file() const { return file_; }
  // Every member, each marked as read (for maps whose keys are data: sysctl names).
  const nlohmann::json& all_items();
  const nlohmann::json& raw() const { return obj_; }
  // Call last: any key that was never read is an error.
  void done() const;

 private:
  const nlohmann::json& get(const std::string& key);
  const nlohmann::json& obj_;
  std::string file_, path_;
  std::set<std::string> seen_;
};

}  // namespace crashlab
