// A short fuzz run inside the default test run (and so in .ci/run): inputs mutated
// from the seed corpus and the shipped cases, libFuzzer's way, through the fuzz
// target's own entry point with the normal compiler. Any exception other than a
// refusal, or a crash, fails it; the input is kept and the seed printed, so
// CRASHLAB_FUZZ_SEED=N makes the same inputs again. `make fuzz` is the long run, with
// libFuzzer and the sanitizers. CRASHLAB_FUZZ_RUNS sets how many inputs (default 20000).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include "runner/case/case_files.hpp"
#include "fixtures/file_bytes.hpp"
#include "tests/fuzz/case_input.hpp"
#include "tests/fuzz/mutate.hpp"

using namespace crashlab::runner;
namespace fs = std::filesystem;
using crashlab::testing_values::file_bytes;

namespace {

uint64_t env_number(const char* name, uint64_t otherwise) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoull(v, nullptr, 10) : otherwise;
}

std::vector<std::string> seed_corpus() {
  std::vector<std::string> corpus;
  for (const auto& e : fs::directory_iterator(fs::path(CRASHLAB_SOURCE_DIR) / "tests/data/fuzz"))
    corpus.push_back(file_bytes(e.path()));
  for (const std::string& f : find_case_files(CRASHLAB_SOURCE_DIR "/cases")) corpus.push_back(file_bytes(f));
  return corpus;
}
}  // namespace

TEST(ShortFuzz, MutatedInputsAreAcceptedOrRefusedNeverAnythingElse) {
  const uint64_t seed = env_number("CRASHLAB_FUZZ_SEED", std::random_device{}());
  const uint64_t runs = env_number("CRASHLAB_FUZZ_RUNS", 20000);
  const std::vector<std::string> corpus = seed_corpus();
  ASSERT_GT(corpus.size(), 20u);
  fuzz::Mutator mutator(seed, fuzz::read_dictionary(CRASHLAB_SOURCE_DIR "/tests/fuzz/case.dict"));
  const fs::path kept = fs::path(::testing::TempDir()) / ("crashlab-fuzz-" + std::to_string(seed) + ".input");
  std::cout << "seed " << seed << " (CRASHLAB_FUZZ_SEED), " << runs << " inputs; each is written to " << kept
            << " before it runs\n" << std::flush;  // a crash then leaves both behind
  size_t accepted = 0;
  for (uint64_t i = 0; i < runs; ++i) {
    const std::string input = mutator.mutate(corpus[i % corpus.size()], corpus);
    // Written before it runs: a crash leaves it behind for `case_fuzzer FILE` or a test.
    std::ofstream(kept, std::ios::binary | std::ios::trunc) << input;
    try {
      accepted += fuzz_case_input(input) == FuzzVerdict::Accepted;
    } catch (const std::exception& e) {
      FAIL() << "input " << i << " of seed " << seed << " escaped as " << typeid(e).name() << ": "
             << std::string(e.what()).substr(0, 300) << "\n  the input: " << kept
             << "\n  again: CRASHLAB_FUZZ_SEED=" << seed << " CRASHLAB_FUZZ_RUNS=" << i + 1;
    }
  }
  fs::remove(kept);
  std::cout << runs << " inputs of seed " << seed << ": " << accepted << " accepted, " << runs - accepted
            << " refused\n";
  // Mutations of valid cases: some must still be valid, or the run only exercised the
  // JSON reader (too few inputs to say: CRASHLAB_FUZZ_RUNS under 1000).
  if (runs >= 1000) {
    EXPECT_GT(accepted, 0u);
    EXPECT_LT(accepted, runs);
  }
}
