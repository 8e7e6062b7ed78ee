#pragma once
#include <string>
#include <vector>

namespace crashlab::endpoint {

// Splits what arrives on a descriptor (stdin) into lines.
class LineReader {
 public:
  explicit LineReader(int fd) : fd_(fd) {}
  int fd() const { return fd_; }

  // One read(2), for when poll() reports the descriptor readable. Appends the
  // complete lines (without '\n') to `lines`. Returns false at end of input (or on
  // a read error), after appending a final unterminated line if there is one.
  bool read(std::vector<std::string>& lines);

 private:
  int fd_;
  std::string partial_;
};

}  // namespace crashlab::endpoint
