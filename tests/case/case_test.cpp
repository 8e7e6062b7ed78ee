// One test per case file under cases/ and address family it lists: runs it and
// requires every expectation to hold. The parameter is the file, with "@ipv6" for
// the IPv6 run of a case that lists both families.
#include <gtest/gtest.h>

#include "fixtures/privilege.hpp"
#include "runner/case/case_files.hpp"
#include "runner/result/result_json.hpp"
#include "runner/run/environment.hpp"
#include "runner/run/run_case.hpp"
#include "runner/table.hpp"

using namespace crashlab;
using namespace crashlab::runner;

namespace {
class Case : public NamespaceTest, public testing::WithParamInterface<std::string> {};

std::string results_dir() {
  const char* d = std::getenv("CRASHLAB_RESULTS");
  return d ? d : CRASHLAB_BUILD_RESULTS;
}

constexpr std::string_view kIpv6Run = "@ipv6";

bool is_ipv6_run(const std::string& param) {
  return param.size() > kIpv6Run.size() && param.compare(param.size() - kIpv6Run.size(), kIpv6Run.size(), kIpv6Run) == 0;
}

std::string file_of(const std::string& param) {
  return is_ipv6_run(param) ? param.substr(0, param.size() - kIpv6Run.size()) : param;
}

// A case that cannot be read still gets its test, which reports the error.
std::vector<std::string> case_runs() {
  std::vector<std::string> runs;
  for (const std::string& file : find_case_files(CRASHLAB_SOURCE_DIR "/cases")) {
    runs.push_back(file);
    try {
      for (const CaseSpec& spec : load_case_families(file))
        if (spec.ipv6 && spec.name != case_name_for(file)) runs.push_back(file + std::string(kIpv6Run));
    } catch (const std::exception&) {
    }
  }
  return runs;
}

std::string test_name(const testing::TestParamInfo<std::string>& info) {
  std::string n = case_name_for(file_of(info.param)) + (is_ipv6_run(info.param) ? "_ipv6" : "");
  for (char& c : n)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return n;
}
}  // namespace

TEST_P(Case, ExpectationsHold) {
  const std::string file = file_of(GetParam());
  CaseSpec spec = load_case_families(file, is_ipv6_run(GetParam()) ? std::optional<std::string>("ipv6") : std::nullopt).front();
  RunOptions opts;
  opts.out_dir = results_dir();
  CaseResult r = run_case(spec, opts);
  std::string path = write_result(r, results_dir());
  std::cout << render_case(r) << "   result: " << path << "\n";
  // A run the runner itself distorted judged nothing: run it once more. Twice distorted fails.
  if (r.verdict == Verdict::Distorted) {
    std::cout << "   distorted, so run again\n";
    r = run_case(spec, opts);
    path = write_result(r, results_dir());
    std::cout << render_case(r) << "   result: " << path << "\n";
  }
  for (const auto& d : r.distortions)
    if (r.verdict == Verdict::Distorted) ADD_FAILURE() << "distorted twice: " << d;
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(verdict_name(r.verdict), std::string("pass"));
  for (const auto& f : r.failures) ADD_FAILURE() << f.text();
}

// Runner kernels change under users: every test run says what it ran on.
struct Banner : testing::Environment {
  void SetUp() override { std::cout << environment_banner(); }
};
const auto* const kBanner = testing::AddGlobalTestEnvironment(new Banner);

INSTANTIATE_TEST_SUITE_P(Cases, Case, testing::ValuesIn(case_runs()), test_name);
