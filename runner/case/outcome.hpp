#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace crashlab::runner {

// What an application saw after the fault: end of stream, a completed send,
// data, or an error (a socket's errno).
struct Outcome {
  enum class Kind { Eof, Sent, Data, Error };
  Kind kind = Kind::Eof;
  int err = 0;  // Error: positive errno

  // The application has noticed the fault: EOF or an error.
  bool detects() const { return kind == Kind::Eof || kind == Kind::Error; }
  // "EOF", "SENT", "DATA" or the errno's name ("ECONNRESET").
  std::string name() const;
  // The inverse of name(); nullopt for anything else.
  static std::optional<Outcome> parse(std::string_view text);

  bool operator==(const Outcome&) const = default;
};

}  // namespace crashlab::runner
