// The command line's one definition (CLI11): parsing, --help, --version and the
// generated docs/cli.md all come from define_app.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <map>
#include <ostream>
#include <sstream>

#include "runner/cli/exit_code.hpp"
#include "runner/cli/run/installed_cases.hpp"
#include "runner/cli/options.hpp"
#include "runner/cli/suggest.hpp"
#include "runner/cli/version.hpp"
#include "runner/json/fields.hpp"

namespace crashlab::runner::cli {

namespace {
const std::map<std::string, ColorMode> kColorModes = {
    {"auto", ColorMode::Auto}, {"always", ColorMode::Always}, {"never", ColorMode::Never}};
const std::map<std::string, Command> kCommands = {{"run", Command::Run},
                                                  {"list", Command::List},
                                                  {"validate", Command::Validate},
                                                  {"report", Command::Report},
                                                  {"sweep", Command::Sweep},
                                                  {"advise", Command::Advise},
                                                  {"help-markdown", Command::HelpMarkdown}};

std::string version_text() {
  return std::string("crashlab ") + kVersion + " (git " + kGitRevision + ")";
}

// An option given once: given again, the last one counts, as in most tools.
CLI::Option* last_wins(CLI::Option* opt) { return opt->multi_option_policy(CLI::MultiOptionPolicy::TakeLast); }

// Digits only: CLI11's own check calls "abc" a failed FLOAT, and "-3" out of range.
const CLI::Validator kWholeNumber(
    [](std::string& s) -> std::string {
      if (!s.empty() && s.find_first_not_of("0123456789") == std::string::npos) return "";
      return "'" + Fields::clipped(s, 20) + "' is not a whole number";
    },
    "", "whole number");

// --repeat and --jobs: a whole number from 1 to 1000 ("abc" is not a number, 0 out of range).
CLI::Option* count_option(CLI::App* sub, const std::string& name, int& into, const std::string& what) {
  return last_wins(sub->add_option(name, into, what)->check(kWholeNumber)->check(CLI::Range(1, 1000))->type_name("N"));
}

CLI::Option* paths_option(CLI::App* sub, Options& o, const std::string& what) {
  return sub->add_option("PATH", o.paths, what);
}

// One definition for run and sweep: both hand it to run_case the same way.
CLI::Option* window_option(CLI::App* sub, Options& o) {
  return last_wins(sub->add_option("--window", o.window_ms,
                                   "watch MS after the fault (default: the case's\n"
                                   "window_ms, longer where the model predicts later)")
                       ->check(kWholeNumber)
                       ->check(CLI::Range(int64_t(1), int64_t(30 * 60 * 1000)))
                       ->type_name("MS"));
}

CLI::Option* ip_option(CLI::App* sub, Options& o, const char* what) {
  return last_wins(sub->add_option("--ip", o.ip, what)->check(CLI::IsMember({"ipv4", "ipv6"}))->type_name("FAMILY"));
}

void define_run(CLI::App& app, Options& o) {
  CLI::App* run = app.add_subcommand("run", "Run cases, judge them, write a JSON result each.");
  paths_option(run, o, "case files or folders of them (default: cases)");
  run->add_option("--set", o.sets,
                  "ROLE.sysctl.NAME=VALUE or ROLE.socket.OPTION=VALUE\n"
                  "for every case; ROLE: server, client or all, or\n"
                  "router (its sysctls, in the router topology)")
      ->type_name("ASSIGNMENT")
      ->allow_extra_args(false);
  window_option(run, o);
  ip_option(run, o, "run every case in this address family only\n(default: each family its \"ip\" lists)");
  count_option(run, "--repeat", o.repeat, "run the whole list N times");
  count_option(run, "-j,--jobs", o.jobs, "cases run at once (default: as many as the\nmachine keeps on time, up to all of them)");
  last_wins(run->add_option("-o,--out", o.out, "results: DIR/<UTC timestamp>/, DIR/latest -> it")
                ->type_name("DIR")
                ->capture_default_str());
  run->add_flag("--pcap", o.pcap, "keep every capture (a failed case keeps its own)");
  last_wins(run->add_option("--junit", o.junit, "also write a JUnit XML report to FILE")->type_name("FILE"));
  run->add_flag("--tap", o.tap, "KTAP on stdout (as kernel selftests) for the table");
  run->footer(std::string("Also --quiet, --no-progress, --color: crashlab --help.\n") + kExitCodeText);
}

void define_sweep(CLI::App& app, Options& o) {
  CLI::App* sweep = app.add_subcommand("sweep", "Run one case over a grid of settings; plot it.");
  CLI::Option* case_file = sweep->add_option("CASE", o.paths, "the case file")->expected(1);
  CLI::Option* vary = sweep->add_option("--vary", o.vary,
                                        "ROLE.sysctl.NAME=VALUES or\n"
                                        "ROLE.socket.OPTION=VALUES; VALUES 3,5,8 or 1..8\n"
                                        "or 1000..10000:1000;\n"
                                        "several --vary make a grid")
                          ->type_name("ASSIGNMENT")
                          ->allow_extra_args(false);
  CLI::Option* set =
      sweep->add_option("--set", o.sets, "as in run: fixed for every point")->type_name("ASSIGNMENT")->allow_extra_args(false);
  CLI::Option* repeat = count_option(sweep, "--repeat", o.repeat, "runs per point");
  CLI::Option* window = window_option(sweep, o);
  CLI::Option* ip = ip_option(sweep, o, "the address family to sweep in (default: the\ncase's first: ipv4 for a case of both)");
  CLI::Option* jobs = count_option(sweep, "-j,--jobs", o.jobs, "runs at once (default: as many as the machine\nkeeps on time, up to all of them)");
  CLI::Option* shard = sweep
                           ->add_option_function<std::string>(
                               "--shard",
                               [&o](const std::string& text) {
                                 try {
                                   o.shard = runner::sweep::parse_shard(text);
                                 } catch (const InputError& e) {
                                   throw CLI::ValidationError(e.what());
                                 }
                               },
                               "run the K-th of N shares of the point x repeat\n"
                               "runs (K from 1): N machines, one command each")
                           ->type_name("K/N")
                           ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  last_wins(sweep->add_option("--out", o.sweep_out, "DIR/<point>/ results, DIR/sweep.json,\n"
                                                    "DIR/summary.json and .csv, DIR/sweep.html;\n"
                                                    "the same sweep resumes")
                ->type_name("DIR")
                ->capture_default_str());
  CLI::Option* merge = sweep->add_option("--merge", o.merge,
                                         "instead of CASE: the folders of one sweep's\n"
                                         "shards summarized into --out as one sweep")
                           ->type_name("DIR...")
                           ->allow_extra_args();
  // Checked here rather than with excludes(), which would print "Excludes: --merge" on every option.
  sweep->parse_complete_callback([=] {
    if (merge->count() == 0) return;
    for (CLI::Option* not_with_merge : {case_file, vary, set, repeat, window, ip, jobs, shard})
      if (not_with_merge->count() > 0) throw CLI::ExcludesError("--merge", not_with_merge->get_name());
  });
  sweep->add_flag("--allow-mixed", o.allow_mixed, "merge folders of other kernels, case content,\n--set or --window too")
      ->needs(merge);
  sweep->footer(std::string("Also --quiet, --no-progress: crashlab --help.\n") + kExitCodeText);
}

// A duration option of advise: "10s", "500ms", "2min" into ms, or a usage error (exit 2).
CLI::Option* duration_option(CLI::App* sub, const std::string& name, int64_t& into, const std::string& what) {
  return last_wins(sub
      ->add_option_function<std::string>(
          name,
          [&into, name](const std::string& text) {
            try {
              into = advise::parse_duration_ms(text, name);
            } catch (const InputError& e) {
              throw CLI::ValidationError(e.what());
            }
          },
          what)
      ->type_name("DURATION"));
}

// One word of `choices` into its value; anything else is a usage error naming the words.
template <class T>
CLI::Option* choice_option(CLI::App* sub, const std::string& name, T& into, const std::map<std::string, T>& choices,
                           const std::string& what, const std::string& fallback) {
  std::string words;
  for (const auto& [word, value] : choices) words += (words.empty() ? "" : "|") + word;
  return last_wins(sub
      ->add_option_function<std::string>(
          name,
          [&into, &choices, name, words](const std::string& text) {
            auto it = choices.find(text);
            if (it == choices.end())
              throw CLI::ValidationError(name + " '" + Fields::clipped(text, 40) + "': one of " + words);
            into = it->second;
          },
          what)
      ->type_name(words)
      ->default_str(fallback));
}

void define_advise(CLI::App& app, Options& o) {
  static const std::map<std::string, advise::Traffic> kTraffic = {
      {"idle", advise::Traffic::Idle}, {"busy", advise::Traffic::Busy}, {"both", advise::Traffic::Both}};
  static const std::map<std::string, advise::Scope> kScopes = {{"socket", advise::Scope::Socket},
                                                               {"sysctl", advise::Scope::Sysctl}};
  static const std::map<std::string, Format> kFormats = {{"text", Format::Text}, {"json", Format::Json}};
  CLI::App* adv = app.add_subcommand("advise", "Settings to notice a dead peer by a deadline.");
  duration_option(adv, "--detect-within", o.advise.detect_within_ms,
                  "notice a crashed peer host within this, worst case\n(10s, 500ms, 2min, 1h)")
      ->required();
  duration_option(adv, "--survive-outage", o.advise.survive_outage_ms,
                  "a network outage this long must not end a healthy\nconnection (default 0: no such promise)");
  choice_option(adv, "--traffic", o.advise.traffic, kTraffic, "connections that sit idle, send (busy), or both", "both");
  choice_option(adv, "--scope", o.advise.scope, kScopes, "per-socket options, or the namespace's sysctls", "socket");
  adv->add_flag("--verify", o.verify,
                "run the proposal on this kernel: host crash idle\nand busy, an outage healing in time; exit 1 if\nit fails");
  last_wins(adv->add_option("--out", o.out, "--verify: results in DIR/<UTC timestamp>/")->type_name("DIR")->capture_default_str());
  choice_option(adv, "--format", o.format, kFormats, "text for a person, json (docs/advise.md)", "text");
  adv->footer(
      "docs/advise.md explains the search and the JSON.\n"
      "Exit codes: 0 a proposal (with --verify: it held); 1 no setting meets the\n"
      "request, or --verify found it does not hold; 2 invalid input, nothing ran.");
}

void define_app(CLI::App& app, Options& o) {
  app.description("crashlab: what each side of a TCP connection sees when the other end dies.");
  app.require_subcommand(1);
  app.fallthrough();  // the options below may also follow the command
  app.set_version_flag("--version", version_text(), "print the version and git revision, then exit");
  app.add_flag("-q,--quiet", o.quiet, "print only the summary (run) and errors");
  app.add_flag("--no-progress", o.no_progress, "no live progress line on stderr");
  choice_option(&app, "--color", o.color, kColorModes,
                "colour PASS/FAIL/ERROR; auto: on a terminal\n"
                "unless TERM=dumb or NO_COLOR is set",
                "auto");
  define_run(app, o);
  define_sweep(app, o);
  define_advise(app, o);
  CLI::App* list = app.add_subcommand("list", "List the cases with their descriptions.");
  paths_option(list, o, "case files or folders of them (default: cases)");
  list->add_flag("--json", o.json, "JSON: [{name, file, ip, description, window_ms}]");
  CLI::App* validate = app.add_subcommand("validate", "Parse and check case files without running them.");
  paths_option(validate, o, "case files or folders of them (default: cases)");
  CLI::App* report = app.add_subcommand("report", "Draw result files as one self-contained HTML page.");
  paths_option(report, o, "result files or folders (default: results/latest)")->type_name("RESULT|FOLDER");
  last_wins(report->add_option("--out", o.report_out, "the page (default: report.html by the first input)")
                ->type_name("FILE"));
  CLI::App* help = app.add_subcommand("help", "Print this help, or a COMMAND's.");
  help->add_option("COMMAND", o.paths, "the command to describe");
  app.add_subcommand("help-markdown", "Print docs/cli.md.")->group("");
  app.footer(std::string("Run 'crashlab COMMAND --help' for a command's options.\n") + kExitCodeText);
}

std::vector<std::string> command_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* s : app.get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); }))
    names.push_back(s->get_name());
  return names;
}

std::vector<std::string> option_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::Option* opt : app.get_options())
    for (const auto& n : opt->get_lnames()) names.push_back("--" + n);
  return names;
}

// A usage error, with a suggestion when the mistake looks like a typo.
std::string explain(const CLI::App& app, const CLI::ParseError& e, int argc, const char* const* argv) {
  std::string text = "crashlab: " + std::string(e.what());
  const auto selected = app.get_subcommands();
  if (selected.empty()) {
    for (int i = 1; i < argc; ++i) {
      std::string a = argv[i];
      if (a == "--color") ++i;
      if (a.empty() || a[0] == '-' || a == "--color") continue;
      text = "crashlab: unknown command '" + a + "'";
      if (auto m = closest(a, command_names(app))) text += "; did you mean '" + *m + "'?";
      break;
    }
  } else {
    std::vector<std::string> known = option_names(*selected.front());
    for (const auto& n : option_names(app)) known.push_back(n);
    for (int i = 1; i < argc; ++i) {
      std::string a = argv[i];
      if (a.rfind("--", 0) != 0 || a == "--") continue;
      a = a.substr(0, a.find('='));
      if (std::find(known.begin(), known.end(), a) != known.end()) continue;
      text = "crashlab " + selected.front()->get_name() + ": unknown option " + a;
      if (auto m = closest(a, known)) text += "; did you mean " + *m + "?";
      break;
    }
  }
  std::string cmd = selected.empty() ? "" : selected.front()->get_name() + " ";
  return text + "\nRun 'crashlab " + cmd + "--help' for usage.\n";
}
}  // namespace

ParseOutcome parse_command_line(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  Options o;
  CLI::App app{"", "crashlab"};
  define_app(app, o);
  // `crashlab` alone: what it can do, as git and docker print, and a usage error's status.
  if (argc <= 1) {
    err << app.help();
    return {std::nullopt, code(ExitCode::InvalidInput)};
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    return {std::nullopt, code(ExitCode::AllPassed)};
  } catch (const CLI::CallForVersion& e) {
    out << e.what() << "\n";
    return {std::nullopt, code(ExitCode::AllPassed)};
  } catch (const CLI::ParseError& e) {
    err << explain(app, e, argc, argv);
    return {std::nullopt, code(ExitCode::InvalidInput)};
  }
  const CLI::App* sub = app.get_subcommands().front();
  if (sub->get_name() == "help") {
    const CLI::App* about = &app;
    if (!o.paths.empty()) {
      try {
        about = app.get_subcommand(o.paths.front());
      } catch (const CLI::OptionNotFound&) {
        const char* args[] = {argv[0], o.paths.front().c_str()};
        return parse_command_line(2, args, out, err);  // the same "unknown command" message
      }
      out << about->help(app.get_name());
    } else {
      // `app` has `help` selected, and CLI11 hands help() to the selected command.
      Options unused;
      CLI::App fresh{"", "crashlab"};
      define_app(fresh, unused);
      out << fresh.help();
    }
    return {std::nullopt, code(ExitCode::AllPassed)};
  }
  o.command = kCommands.at(sub->get_name());
  // A sweep names its one case itself (or merges folders instead).
  if (o.paths.empty() && o.command != Command::Sweep && o.command != Command::Advise)
    o.paths.push_back(o.command == Command::Report ? "results/latest" : default_cases_dir());
  if (o.command != Command::Report)
    for (std::string& p : o.paths) p = case_path(p);
  return {o, 0};
}

std::string help_markdown() {
  Options o;
  CLI::App app{"", "crashlab"};
  define_app(app, o);
  std::ostringstream md;
  md << "# crashlab command line\n\n"
     << "<!-- Generated by `crashlab help-markdown` (make cli-docs); a unit test checks it. -->\n\n"
     << "```\n" << app.help() << "```\n";
  for (const CLI::App* s : app.get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); }))
    if (s->get_name() != "help") md << "\n## crashlab " << s->get_name() << "\n\n```\n" << s->help("crashlab") << "```\n";
  return md.str();
}

}  // namespace crashlab::runner::cli
