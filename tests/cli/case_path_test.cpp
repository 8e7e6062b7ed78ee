// A case path that is not where it is given is looked up in the catalogue, as an
// installed crashlab's user types it: `crashlab run host-crash/send.json`.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "fixtures/temp_dir.hpp"
#include "runner/cli/run/installed_cases.hpp"

using namespace crashlab::runner::cli;
namespace fs = std::filesystem;

namespace {
// Runs `f` with the working folder set to `dir`, and puts it back.
template <class F>
void in_folder(const fs::path& dir, F&& f) {
  const fs::path before = fs::current_path();
  fs::current_path(dir);
  f();
  fs::current_path(before);
}
}  // namespace

class CasePath : public crashlab::testing_values::TempDir {};

TEST_F(CasePath, GivenWhereItIsOrInTheCatalogueOrAsGiven) {
  fs::create_directories(dir_ / "cases/host-crash");
  std::ofstream(dir_ / "cases/host-crash/send.json") << "{}";
  std::ofstream(dir_ / "mine.json") << "{}";
  in_folder(dir_, [] {
    EXPECT_EQ(case_path("mine.json"), "mine.json");
    EXPECT_EQ(case_path("host-crash/send.json"), "cases/host-crash/send.json");
    EXPECT_EQ(case_path("host-crash"), "cases/host-crash");
    EXPECT_EQ(case_path("nowhere.json"), "nowhere.json");  // the loader names it
    EXPECT_EQ(case_path("/abs/nowhere.json"), "/abs/nowhere.json");
    EXPECT_EQ(case_path(""), "");  // not the catalogue's folder
  });
}
