#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>

namespace crashlab::runner {

// Bad input, always naming the file and the field: "cases/x.json: expect.server.states[2]: ..."
struct InputError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// Walks one JSON object of an input file (a case, a result), remembering where it
// is, so every error names the file and the field; done() refuses keys nobody
// asked for. Case files are strict; result files are read with Nulls::Missing,
// since results write absent values as null. Values in messages are clipped.
class Fields {
 public:
  enum class Nulls { Values, Missing };
  Fields(const nlohmann::json& obj, std::string file, std::string path, Nulls nulls = Nulls::Values);

  [[noreturn]] void fail(const std::string& field, const std::string& why) const;
  bool has(const std::string& key) const;
  std::string string(const std::string& key, const std::set<std::string>& allowed = {});
  std::optional<std::string> opt_string(const std::string& key, const std::set<std::string>& allowed = {});
  int64_t integer(const std::string& key, int64_t min, int64_t max);
  std::optional<int64_t> opt_integer(const std::string& key, int64_t min, int64_t max);
  std::optional<bool> opt_bool(const std::string& key);
  double number(const std::string& key);
  std::optional<double> opt_number(const std::string& key);
  std::optional<double> opt_number(const std::string& key, double min, double max);
  const nlohmann::json& object(const std::string& key);  // must be an object
  const nlohmann::json* opt_array(const std::string& key);
  Fields child(const std::string& key);  // a nested object, required
  // Element i of the array at `key` (already read with opt_array), which must be an object.
  Fields element(const std::string& key, size_t i) const;
  // Element i of the array at `key`, which must be a string.
  std::string string_element(const std::string& key, size_t i) const;
  std::string path(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
  const std::string& file() const { return file_; }
  // Every member, each marked as read (for maps whose keys are data: sysctl names).
  const nlohmann::json& all_items();
  const nlohmann::json& raw() const { return obj_; }
  // Call last: any key that was never read is an error.
  void done() const;

  // A value for an error message: its JSON text, clipped.
  static std::string shown(const nlohmann::json& v);
  // Text from the input for an error message: control bytes escaped, clipped.
  static std::string clipped(const std::string& text, size_t max = 80);

 private:
  const nlohmann::json& get(const std::string& key);
  const nlohmann::json& obj_;
  std::string file_, path_;
  Nulls nulls_;
  std::set<std::string> seen_;
};

}  // namespace crashlab::runner
