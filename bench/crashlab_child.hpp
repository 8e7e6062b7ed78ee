#pragma once
// Shared by the benches that run the crashlab binary as a child and read its result
// files (catalogue_bench, sweep_bench).
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace crashlab::bench {

struct ChildRun {
  int status = 0;       // as waitpid() gives it
  double wall_ms = 0;   // from starting the child to its exit
  double cpu_s = 0;     // user + system time of the child and every descendant it reaped
  std::string status_text() const;  // "exit status 0" or "killed by signal 9"
};

// Runs argv with stdout and stderr to `log`; kills the child and throws once
// `timeout_ms` has passed.
ChildRun run_bounded(std::vector<std::string> args, const std::string& log, int timeout_ms);

// A fresh directory under the temporary directory: PREFIX-XXXXXX.
std::filesystem::path make_temp_dir(const std::string& prefix);

// The result files of a `crashlab run --out OUT` (OUT/latest/*.json), parsed.
std::vector<nlohmann::json> read_results(const std::filesystem::path& out);

// A result's error, or its failures as "side.field: expected X, seen Y; ...".
std::string failures_of(const nlohmann::json& r);
// A string member of a result object, or `otherwise` when it is missing, null or not a
// string (the timeline's fault and kernel rows have no side).
std::string text_of(const nlohmann::json& j, const char* key, const char* otherwise = "");

// The machine's load average over the last 1, 5 and 15 minutes, as /proc/loadavg says.
std::string load_average();

double median(std::vector<double> v);

}  // namespace crashlab::bench
