#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace crashlab::endpoint {

// Ordered, so that every line starts with event, t, seq.
using Json = nlohmann::ordered_json;

// Writes each event as one JSON line on a descriptor (stdout), at once, unbuffered:
// {"event": NAME, "t": CLOCK_MONOTONIC ns, "seq": n, ["id": ...,] fields...}
class Emitter {
 public:
  explicit Emitter(int fd) : fd_(fd) {}

  // `fields` is an object or null; a null `id` is left out.
  void emit(const std::string& event, const Json& fields = nullptr, const Json& id = nullptr);
  // {"event":"error","op":op,"errno":errno_name(err), extra...}
  void error(const std::string& op, int err, const Json& id = nullptr, const Json& extra = nullptr);

 private:
  void write_line(const std::string& line);

  int fd_;
  int64_t seq_ = 0;
};

}  // namespace crashlab::endpoint
