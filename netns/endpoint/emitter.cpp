#include "netns/endpoint/emitter.hpp"

#include <unistd.h>

#include <cerrno>

#include "netns/sys/clock.hpp"
#include "netns/sys/errors.hpp"

namespace crashlab::endpoint {

void Emitter::emit(const std::string& event, const Json& fields, const Json& id) {
  Json line = {{"event", event}, {"t", monotonic_ns()}, {"seq", seq_++}};
  if (!id.is_null()) line["id"] = id;
  if (fields.is_object())
    for (const auto& [key, value] : fields.items()) line[key] = value;
  write_line(line.dump(-1, ' ', false, Json::error_handler_t::replace) + '\n');
}

void Emitter::error(const std::string& op, int err, const Json& id, const Json& extra) {
  Json fields = {{"op", op}, {"errno", errno_name(err)}};
  if (extra.is_object()) fields.update(extra);
  emit("error", fields, id);
}

void Emitter::write_line(const std::string& line) {
  size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(fd_, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    // Nobody is listening any more (the runner is gone): nothing left to do.
    if (n <= 0) _exit(1);
    done += size_t(n);
  }
}

}  // namespace crashlab::endpoint
