// One test per case file under cases/: runs it and requires every expectation to hold.
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

std::string test_name(const testing::TestParamInfo<std::string>& info) {
  std::string n = case_name_for(info.param);
  for (char& c : n)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return n;
}
}  // namespace

TEST_P(Case, ExpectationsHold) {
  CaseSpec spec = load_case(GetParam());
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

INSTANTIATE_TEST_SUITE_P(Cases, Case, testing::ValuesIn(find_case_files(CRASHLAB_SOURCE_DIR "/cases")), test_name);
