#include "runner/cli/output/junit.hpp"

#include <cstdio>

#include "runner/report/format.hpp"

namespace crashlab::runner::cli {

namespace {
// The report's escaping serves XML as well as HTML.
std::string xml_escape(const std::string& s) { return report::esc(s); }

std::string seconds(double s) {
  char b[32];
  std::snprintf(b, sizeof b, "%.3f", s);
  return b;
}
}  // namespace

std::string junit_xml(const std::vector<std::string>& names, const std::vector<const CaseResult*>& results,
                      double wall_s) {
  int failures = 0, errors = 0, skipped = 0;
  std::string cases;
  for (size_t i = 0; i < names.size(); ++i) {
    const CaseResult* r = results[i];
    // The case's folder ("crashlab.host-crash"), or just "crashlab" for a case outside one.
    std::string at = names[i].find('/') == std::string::npos ? "" : "." + names[i].substr(0, names[i].find('/'));
    cases += "    <testcase classname=\"crashlab" + xml_escape(at) + "\" name=\"" + xml_escape(names[i]) +
             "\" time=\"" + seconds(r ? r->duration_ms / 1000 : 0) + "\"";
    if (r && r->passed()) {
      cases += "/>\n";
      continue;
    }
    cases += ">\n";
    if (!r) {
      ++skipped;
      cases += "      <skipped message=\"interrupted before it finished\"/>\n";
    } else if (r->verdict == Verdict::Fail) {
      ++failures;
      std::string all;
      for (const auto& f : r->failures) all += f.text() + "\n";
      std::string first = r->failures.empty() ? "failed" : r->failures.front().text();
      cases += "      <failure message=\"" + xml_escape(first) + "\">" + xml_escape(all) + "</failure>\n";
    } else if (r->verdict == Verdict::Distorted) {
      ++errors;  // the run could not judge the kernel: an error of the run, not a failed expectation
      std::string all;
      for (const auto& d : r->distortions) all += "runner: " + d + "\n";
      for (const auto& f : r->failures) all += f.text() + "\n";
      cases += "      <error type=\"distorted\" message=\"distorted: " + xml_escape(r->distortions.front()) + "\">" +
               xml_escape(all) + "</error>\n";
    } else {
      ++errors;
      cases += "      <error message=\"" + xml_escape(r->error) + "\"/>\n";
    }
    cases += "    </testcase>\n";
  }
  const std::string counts = "tests=\"" + std::to_string(names.size()) + "\" failures=\"" + std::to_string(failures) +
                             "\" errors=\"" + std::to_string(errors) + "\" skipped=\"" + std::to_string(skipped) +
                             "\" time=\"" + seconds(wall_s) + "\"";
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites " + counts + ">\n  <testsuite name=\"crashlab\" " +
         counts + ">\n" + cases + "  </testsuite>\n</testsuites>\n";
}

}  // namespace crashlab::runner::cli
