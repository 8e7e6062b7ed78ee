#pragma once
// What the command line asked for, as types: parsed by parse_command_line.
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "runner/advise/request.hpp"
#include "runner/sweep/shard.hpp"

namespace crashlab::runner::cli {

enum class Command { Run, List, Validate, Report, HelpMarkdown, Sweep, Advise };
enum class ColorMode { Auto, Always, Never };
enum class Format { Text, Json };

struct Options {
  Command command = Command::Run;
  std::vector<std::string> paths;  // case files/folders, or (report) results/folders
  // run
  std::vector<std::string> sets;   // --set ROLE.sysctl.NAME=VALUE | ROLE.socket.OPTION=VALUE
  std::optional<std::string> ip;   // --ip ipv4|ipv6: every case in that address family only
  int repeat = 1;
  std::optional<int64_t> window_ms;  // --window: the observation window after the fault
  int jobs = 0;                    // 0: every case at once (they mostly wait on kernel timers)
  std::string out = "results";     // run: a folder (each run gets DIR/<UTC timestamp>/)
  bool pcap = false;
  std::optional<std::string> junit;
  bool tap = false;
  // sweep (also --set, --repeat, --window, --jobs)
  std::vector<std::string> vary;     // ROLE.sysctl.NAME=VALUES | ROLE.socket.OPTION=VALUES
  std::string sweep_out = "sweep";   // DIR/<point>/ per point, summary.json/csv and sweep.html in DIR
  std::optional<sweep::Shard> shard;  // --shard K/N: this machine's share of the runs
  std::vector<std::string> merge;     // --merge DIR...: shard folders to summarize as one sweep
  bool allow_mixed = false;           // --merge: let folders of other kernels, cases, --set or --window in
  // advise (also --out: where --verify writes its results)
  advise::Request advise;  // hz is the running kernel's, filled in by the command
  bool verify = false;
  Format format = Format::Text;
  // every command
  bool quiet = false, no_progress = false;
  ColorMode color = ColorMode::Auto;
  // list
  bool json = false;
  // report
  std::optional<std::string> report_out;
};

// Either options to act on, or an exit code to return at once (help, version, a
// usage error: already printed on `out` / `err`).
struct ParseOutcome {
  std::optional<Options> options;
  int exit_code = 0;
};
ParseOutcome parse_command_line(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

// docs/cli.md, generated from the same definitions as the parser.
std::string help_markdown();

}  // namespace crashlab::runner::cli
