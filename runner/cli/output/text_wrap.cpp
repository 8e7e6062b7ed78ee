#include "runner/cli/output/text_wrap.hpp"

#include <algorithm>
#include <sstream>

namespace crashlab::runner::cli {

std::string wrap(const std::string& line, size_t width, size_t indent) {
  width = std::max<size_t>(width, indent + 4);  // room for something on every line
  std::string out, rest = line;
  std::string prefix;
  while (prefix.size() + rest.size() > width) {
    size_t room = width - prefix.size();
    size_t cut = rest.rfind(' ', room);
    // Never break inside the leading indentation: that would leave an empty line.
    size_t lead = rest.find_first_not_of(' ');
    if (cut == std::string::npos || cut <= lead) cut = room;
    std::string head = rest.substr(0, cut);
    head.erase(head.find_last_not_of(' ') + 1);
    out += prefix + head + "\n";
    rest = rest.substr(cut);
    rest.erase(0, rest.find_first_not_of(' '));
    prefix = std::string(indent, ' ');
  }
  return out + prefix + rest + "\n";
}

std::string wrap_lines(const std::string& text, size_t width, size_t indent) {
  std::istringstream in(text);
  std::string out;
  for (std::string l; std::getline(in, l);) out += wrap(l, width, indent);
  return out;
}

}  // namespace crashlab::runner::cli
