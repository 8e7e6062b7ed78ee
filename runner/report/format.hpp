#pragma once
// Text as the report page shows it: HTML-escaped strings and times in ms.
#include <optional>
#include <string>

namespace crashlab::runner::report {

std::string esc(const std::string& s);           // & < > " ' as HTML entities
std::string fixed(double v, int decimals);       // printf "%.*f"
std::string ms(double v);                        // 0.508 ms, 12.35 ms, 6638.5 ms
std::string signed_ms(double v);                 // ms(v) with a "+" when v >= 0
std::string opt_ms(const std::optional<double>& v, const std::string& none);
std::string error_and_ms(const std::string& error, double t);  // "ETIMEDOUT 3320.0 ms", or just the time

}  // namespace crashlab::runner::report
