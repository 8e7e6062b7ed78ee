#pragma once
// `crashlab report`: one self-contained HTML page (inline SVG, no scripts, no
// external resources) drawing each result file as a timeline around the fault.
// Format of the page: docs/report.md.
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

namespace crashlab::runner {

// results[i] was read from source_files[i]. Throws std::invalid_argument naming
// the file and the field when a result has a field of the wrong type.
std::string render_report_html(const std::vector<nlohmann::json>& results,
                               const std::vector<std::string>& source_files);

// paths: result files, or folders whose *.json files are all read (a folder with
// none but a `latest` folder, as `crashlab run --out` writes: latest's). out_path ""
// writes report.html into the folder of the first path (or next to the first file).
// Returns 0; 2 with the reason (file and field) on err when an input is missing or
// not a valid result; 1 when the page cannot be written.
int report_command(const std::vector<std::string>& paths, const std::string& out_path, std::ostream& err);

}  // namespace crashlab::runner
