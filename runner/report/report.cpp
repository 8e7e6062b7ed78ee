#include "runner/report/report.hpp"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "runner/report/page.hpp"
#include "runner/json/strict_json.hpp"
#include "runner/report/read.hpp"

namespace crashlab::runner {
namespace fs = std::filesystem;
using nlohmann::json;

std::string render_report_html(const std::vector<json>& results, const std::vector<std::string>& source_files) {
  std::vector<report::Result> rs;
  for (size_t i = 0; i < results.size(); ++i)
    rs.push_back(report::read_result(results[i], i < source_files.size() ? source_files[i] : "result " + std::to_string(i + 1)));
  return report::page_html(rs);
}

namespace {
// The folder's *.json files, in name order, as paths under the folder as given.
std::vector<std::string> json_files(const fs::path& dir) {
  std::vector<std::string> found;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_regular_file() && e.path().extension() == ".json") found.push_back(e.path().string());
  std::sort(found.begin(), found.end());
  return found;
}
}  // namespace

int report_command(const std::vector<std::string>& paths, const std::string& out_path, std::ostream& err) {
  std::vector<std::string> files;
  std::vector<fs::path> read_from;  // each path, or the `latest` folder taken for it
  for (const auto& p : paths) {
    read_from.push_back(p);
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found = json_files(p);
      // A folder `crashlab run --out` wrote: its newest run.
      if (found.empty() && fs::is_directory(fs::path(p) / "latest", ec)) {
        read_from.back() = fs::path(p) / "latest";
        found = json_files(read_from.back());
      }
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::is_regular_file(p, ec)) {
      files.push_back(p);
    } else {
      err << "crashlab report: " << p << ": no such file or folder (`crashlab run` writes its results into "
          << "results/<timestamp>/, and results/latest points at the newest)\n";
      return 2;
    }
  }
  if (files.empty()) {
    err << "crashlab report: no result files (*.json) in the given paths\n";
    return 2;
  }
  const fs::path& first = read_from.front();
  const std::string out = !out_path.empty()            ? out_path
                          : fs::is_directory(first) ? (first / "report.html").string()
                                                    : (first.parent_path() / "report.html").string();
  // An unusable --out is invalid input, refused before the work, without creating it.
  const fs::path folder = fs::path(out).parent_path().empty() ? fs::path(".") : fs::path(out).parent_path();
  if (fs::exists(out) ? ::access(out.c_str(), W_OK) != 0 : ::access(folder.c_str(), W_OK | X_OK) != 0) {
    err << "crashlab report: cannot write " << out << "\n";
    return 2;
  }
  std::vector<json> results;
  for (const auto& f : files) {
    std::ifstream in(f);
    std::stringstream text;
    text << in.rdbuf();
    try {
      results.push_back(parse_strict_json(text.str(), f));
    } catch (const InputError& e) {
      err << "crashlab report: " << e.what() << "\n";
      return 2;
    }
  }
  std::string html;
  try {
    html = render_report_html(results, files);
  } catch (const std::invalid_argument& e) {
    err << "crashlab report: " << e.what() << "\n";
    return 2;
  }
  std::ofstream o(out);
  o << html;
  if (!o.flush()) {
    err << "crashlab report: cannot write " << out << "\n";
    return 1;
  }
  std::cout << "report: " << out << " (" << results.size() << " result(s))\n";
  return 0;
}

}  // namespace crashlab::runner
