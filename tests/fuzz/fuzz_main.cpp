// libFuzzer entry (make fuzz): case files and --set strings, docs/fuzzing in README.
#include <cstddef>
#include <cstdint>

#include "tests/fuzz/case_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  crashlab::runner::fuzz_case_input({reinterpret_cast<const char*>(data), size});
  return 0;
}
