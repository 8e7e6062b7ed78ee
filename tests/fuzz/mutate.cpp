#include "tests/fuzz/mutate.hpp"

#include <fstream>

namespace crashlab::runner::fuzz {

std::vector<std::string> read_dictionary(const std::string& path) {
  std::vector<std::string> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    const size_t a = line.find('"'), b = line.rfind('"');
    if (line.empty() || line[0] == '#' || a == std::string::npos || b <= a) continue;
    std::string token;
    for (size_t i = a + 1; i < b; ++i) {
      if (line[i] == '\\' && i + 1 < b && (line[i + 1] == '"' || line[i + 1] == '\\')) ++i;
      token += line[i];
    }
    out.push_back(token);
  }
  return out;
}

Mutator::Mutator(uint64_t seed, std::vector<std::string> dictionary) : state_(seed), dictionary_(std::move(dictionary)) {}

// splitmix64: small, fast and the same on every machine.
uint64_t Mutator::next() {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

std::string Mutator::mutate(const std::string& input, const std::vector<std::string>& corpus) {
  static const char* const kHostile[] = {"-1", "0", "1E400", "18446744073709551616", "9223372036854775808", "-0", "1e-400",
                                         "null", "[]", "{}", "\"\"", "\"\\u0000\"", "true", "4294967296", "1.5"};
  std::string s = input;
  const size_t rounds = 1 + below(4);
  for (size_t r = 0; r < rounds; ++r) {
    const size_t at = below(s.size() + 1);
    switch (below(7)) {
      case 0:
        if (!s.empty()) s[below(s.size())] ^= char(1u << below(8));
        break;
      case 1: s.insert(at, 1, char(next() & 0xFF)); break;
      case 2:
        if (!s.empty()) s.erase(below(s.size()), 1 + below(16));
        break;
      case 3:
        if (!s.empty()) {
          const size_t from = below(s.size());
          s.insert(at, s.substr(from, 1 + below(32)));
        }
        break;
      case 4:
        if (!dictionary_.empty()) s.insert(at, dictionary_[below(dictionary_.size())]);
        break;
      case 5: s.insert(at, kHostile[below(std::size(kHostile))]); break;
      case 6:
        if (!corpus.empty()) {
          const std::string& other = corpus[below(corpus.size())];
          s = s.substr(0, at) + other.substr(below(other.size() + 1));
        }
        break;
    }
  }
  return s.size() > 4096 ? s.substr(0, 4096) : s;  // make fuzz's -max_len
}

}  // namespace crashlab::runner::fuzz
