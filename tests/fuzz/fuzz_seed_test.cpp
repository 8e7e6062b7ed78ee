// Replays the fuzz seed corpus (tests/data/fuzz/) and the shipped cases through
// the fuzz target's entry point with the normal compiler: nothing may escape but
// a refusal, seeds named ok-*/set-ok-* and every case must be accepted, bad-* and
// set-bad-* refused.
#include <gtest/gtest.h>

#include <filesystem>

#include "fixtures/file_bytes.hpp"
#include "tests/fuzz/case_input.hpp"
#include "runner/case/case_files.hpp"
#include "runner/case/sysctl/sysctl_catalogue.hpp"

using namespace crashlab;
using namespace crashlab::runner;
namespace fs = std::filesystem;
using crashlab::testing_values::file_bytes;

namespace {

bool starts(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }
}  // namespace

TEST(FuzzSeeds, EverySeedIsAcceptedOrRefusedAsItsNameSays) {
  const fs::path dir = fs::path(CRASHLAB_SOURCE_DIR) / "tests/data/fuzz";
  const bool fresh = fresh_namespace_sysctls().fallback_note.empty();
  int seen = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename();
    FuzzVerdict v{};
    ASSERT_NO_THROW(v = fuzz_case_input(file_bytes(e.path()))) << name;
    ++seen;
    // Without a fresh namespace the runner's own one is listed: it has more names.
    if (!fresh && name.find("initial-only") != std::string::npos) continue;
    if (starts(name, "ok-") || starts(name, "set-ok-")) {
      EXPECT_EQ(v, FuzzVerdict::Accepted) << name;
    } else {
      EXPECT_EQ(v, FuzzVerdict::Refused) << name;
    }
  }
  EXPECT_GE(seen, 20);
}

TEST(FuzzSeeds, EveryShippedCaseIsAccepted) {
  int seen = 0;
  for (const auto& e : fs::recursive_directory_iterator(fs::path(CRASHLAB_SOURCE_DIR) / "cases")) {
    if (e.path().extension() != ".json") continue;
    EXPECT_EQ(fuzz_case_input(file_bytes(e.path())), FuzzVerdict::Accepted) << e.path();
    ++seen;
  }
  // Every file the runner itself would load, no fewer: the walk above missed none.
  EXPECT_EQ(size_t(seen), crashlab::runner::find_case_files(CRASHLAB_SOURCE_DIR "/cases").size());
  EXPECT_GT(seen, 0);
}
