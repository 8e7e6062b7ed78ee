// `crashlab report`: the sample result renders as lanes, state bands and observed
// and predicted marks; strings are escaped; bad input exits 2 naming the file and
// the field. No privileges needed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "fixtures/measurements.hpp"
#include "runner/case/overrides.hpp"
#include "runner/judge/judge.hpp"
#include "runner/report/labels.hpp"
#include "runner/report/panels.hpp"
#include "runner/report/report.hpp"
#include "runner/result/assemble.hpp"
#include "runner/result/result_json.hpp"

using nlohmann::json;
namespace fs = std::filesystem;

namespace {
using namespace crashlab;
using namespace crashlab::runner;
using namespace crashlab::runner::testing_values;

// host-crash/send as it typically runs: the crashed client's socket goes
// FIN_WAIT1 > CLOSE within 2 ms and sends a RST, the server's data is
// retransmitted on the model's schedule and times out 20.58 ms after the prediction.
json sample(const std::vector<std::string>& sets = {}) {
  CaseSpec spec = host_crash_send_case(R"({"states": ["ESTABLISHED", "CLOSE"], "app": ["SENT", "ETIMEDOUT"],
                                           "detected_after_ms": "model"})");
  for (const auto& set : sets) apply_override(spec, set);
  Measurement m = measurement_of(spec);
  SideMeasurement& client = m.sides[Role::Client];
  SideMeasurement& server = m.sides[Role::Server];
  add_state(client, -40, "ESTABLISHED");
  add_state(client, 0.5, "FIN_WAIT1");
  add_state(client, 1.5, "CLOSE");
  KernelEvent rst = retransmit(client.key, 1.0);
  rst.kind = KernelEvent::Kind::SendReset;
  m.kernel_events.push_back(rst);
  add_state(server, -40, "ESTABLISHED");
  server.app.push_back({Outcome{Outcome::Kind::Sent, 0}, at_ms(5), 1000, ""});
  Predictions predicted = predict(spec, m);
  const SidePrediction& p = predicted.at(Role::Server);
  for (const PredictedFiring& f : p.schedule) m.kernel_events.push_back(retransmit(server.key, f.at_ms + 1));
  server.app.push_back({*Outcome::parse("ETIMEDOUT"), at_ms(*p.detected_after_ms + 20.58), 0, "poll"});
  add_state(server, *p.detected_after_ms + 20.6, "CLOSE");
  CaseResult res = result_for(spec);
  assemble_result(spec, m, predicted, judge(spec, m, predicted), res);
  EXPECT_TRUE(res.passed());
  return to_json(res);
}

std::string render(const json& j) { return render_report_html({j}, {"sample.json"}); }
std::string render(const std::vector<json>& js) { return render_report_html(js, {}); }

// Each <text> of each SVG picture as the box it covers, measured as the page measures it.
struct TextBox {
  std::string text;
  double x0, x1, y0, y1;
};
std::vector<std::vector<TextBox>> text_boxes(const std::string& html) {
  static const std::regex text_re(
      R"re(<text class="([^"]*)" x="([-0-9.]+)" y="([-0-9.]+)"(?: text-anchor="(end|middle)")?>([^<]*)</text>)re");
  std::vector<std::vector<TextBox>> pictures;
  for (size_t at = html.find("<svg"); at != std::string::npos; at = html.find("<svg", at + 1)) {
    std::string svg = html.substr(at, html.find("</svg>", at) - at);
    std::vector<TextBox> boxes;
    for (std::sregex_iterator it(svg.begin(), svg.end(), text_re), end; it != end; ++it) {
      const std::smatch& m = *it;
      std::string cls = m[1], text = std::regex_replace(std::string(m[5]), std::regex("&[a-z#0-9]+;"), "&");
      bool lane = cls == "lane-name";
      bool bold = lane || cls.find("detect-label") != std::string::npos || cls == "fault-label" || cls == "recovery-label";
      double font = lane ? 13 : crashlab::runner::report::kFont, w = crashlab::runner::report::text_width(text, font, bold);
      double x = std::stod(m[2]), y = std::stod(m[3]);
      double x0 = m[4] == "end" ? x - w : m[4] == "middle" ? x - w / 2 : x;
      boxes.push_back({text, x0, x0 + w, y - 0.8 * font, y + 0.25 * font});
    }
    pictures.push_back(boxes);
  }
  return pictures;
}

// No two texts of one picture touch, and each lies within the picture.
void expect_apart(const std::string& html) {
  auto pictures = text_boxes(html);
  ASSERT_FALSE(pictures.empty());
  for (const auto& boxes : pictures) {
    ASSERT_FALSE(boxes.empty());
    for (size_t i = 0; i < boxes.size(); ++i) {
      EXPECT_GE(boxes[i].x0, 0) << boxes[i].text;
      EXPECT_LE(boxes[i].x1, crashlab::runner::report::kWidth) << boxes[i].text;
      for (size_t k = i + 1; k < boxes.size(); ++k) {
        const TextBox &a = boxes[i], &b = boxes[k];
        bool overlap = a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
        EXPECT_FALSE(overlap) << "'" << a.text << "' [" << a.x0 << ", " << a.x1 << "] x [" << a.y0 << ", " << a.y1
                              << "] overlaps '" << b.text << "' [" << b.x0 << ", " << b.x1 << "] x [" << b.y0 << ", "
                              << b.y1 << "]";
      }
    }
  }
}

json event(double t, const char* side, const char* kind, const std::string& detail) {
  return {{"t_ms", t}, {"side", side}, {"kind", kind}, {"detail", detail}, {"source", "endpoint"}};
}

size_t count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

fs::path fresh_dir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("crashlab-report-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

// Runs report_command; returns {exit code, error text}.
std::pair<int, std::string> run_report(const std::vector<std::string>& paths, const std::string& out) {
  std::ostringstream err;
  int rc = report_command(paths, out, err);
  return {rc, err.str()};
}
}  // namespace

TEST(Report, SampleDrawsLanesBandsAndMarks) {
  std::string h = render(sample());
  EXPECT_EQ(count(h, "<g class=\"lane\" data-side=\"server\""), count(h, "<svg class=\"timeline\""));
  EXPECT_NE(h.find("data-side=\"client\""), std::string::npos);
  for (const char* st : {"ESTABLISHED", "FIN_WAIT1", "CLOSE"})
    EXPECT_NE(h.find(std::string("class=\"band state-") + st + "\""), std::string::npos) << st;
  EXPECT_NE(h.find("<g class=\"fault\">"), std::string::npos);
  EXPECT_NE(h.find("<g class=\"detect\">"), std::string::npos);
  EXPECT_NE(h.find("obs-tick kind-reset_sent"), std::string::npos);
  EXPECT_NE(h.find("obs-tick kind-tail_loss_probe"), std::string::npos);
  EXPECT_GE(count(h, "obs-tick kind-retransmit"), 4u);
  // The model's four retransmissions and its detection, in the main panel at least.
  EXPECT_GE(count(h, "pred-tick kind-retransmit"), 4u);
  EXPECT_NE(h.find("<g class=\"pred-detect\">"), std::string::npos);
  // Measured 6638.485 ms against predicted 6617.9 ms, in the table.
  EXPECT_NE(h.find("+20.58 ms"), std::string::npos);
  // Observed firings are numbered like the model's schedule: RTO 3 next to RTO 3.
  EXPECT_GE(count(h, ">RTO 3</text>"), 2u);
  // The client's events all happen within 2 ms of the fault: they get a detail panel.
  EXPECT_NE(h.find("detail A"), std::string::npos);
  EXPECT_EQ(h.find("<g class=\"recovery\">"), std::string::npos);
}

TEST(Report, DrawsTheRecovery) {
  json j = sample();
  j["fault"]["recovered_after_ms"] = 2000.0;
  EXPECT_NE(render(j).find("<g class=\"recovery\">"), std::string::npos);
}

TEST(Report, SelfContained) {
  std::string h = render(sample());
  EXPECT_EQ(h.find("<script"), std::string::npos);
  EXPECT_EQ(h.find("src="), std::string::npos);
  EXPECT_EQ(h.find("<link"), std::string::npos);
  // The only URL is the SVG namespace.
  EXPECT_EQ(count(h, "http"), count(h, "xmlns=\"http://www.w3.org/2000/svg\""));
}

TEST(Report, DrawsWithoutTheNewFields) {
  json j = sample();
  j.erase("timeline");
  for (auto& [role, side] : j["sides"].items()) side.erase("predicted");
  std::string h = render(j);
  EXPECT_NE(h.find("data-side=\"server\""), std::string::npos);
  EXPECT_NE(h.find("class=\"band state-ESTABLISHED\""), std::string::npos);
  EXPECT_NE(h.find("<g class=\"detect\">"), std::string::npos);
  EXPECT_EQ(h.find("pred-tick"), std::string::npos);
  EXPECT_EQ(h.find("<g class=\"pred-detect\">"), std::string::npos);
  EXPECT_EQ(h.find("obs-tick"), std::string::npos);
  EXPECT_NE(h.find("no prediction"), std::string::npos);
}

TEST(Report, ErrorResultWithoutSidesRenders) {
  json j = {{"case", "x/y"}, {"verdict", "error"}, {"error", "could not create namespace"}, {"sides", json::object()}};
  std::string h = render(j);
  EXPECT_NE(h.find("could not create namespace"), std::string::npos);
  EXPECT_EQ(h.find("<svg"), std::string::npos);
}

TEST(Report, EscapesStrings) {
  json j = sample();
  j["case"] = "a<b>&c";
  j["description"] = "<script>alert('x')</script>";
  j["sides"]["server"]["error"] = "\"><img onerror=x>";
  j["timeline"].push_back({{"t_ms", 5.0}, {"side", "server"}, {"kind", "app"}, {"detail", "<i>x</i>"}, {"source", "endpoint"}});
  j["sides"]["server"]["states"][0]["state"] = "<EST>";
  std::string h = render(j);
  for (const char* raw : {"<script", "a<b>", "<img", "<i>x", "<EST>"}) EXPECT_EQ(h.find(raw), std::string::npos) << raw;
  EXPECT_NE(h.find("a&lt;b&gt;&amp;c"), std::string::npos);
  EXPECT_NE(h.find("&lt;script&gt;alert(&#39;x&#39;)"), std::string::npos);
  EXPECT_NE(h.find("&quot;&gt;&lt;img onerror=x&gt;"), std::string::npos);
}

TEST(Report, MalformedFileExits2NamingIt) {
  fs::path d = fresh_dir("malformed");
  write(d / "broken.json", "{\"case\": \"x\", ");
  auto [rc, err] = run_report({(d / "broken.json").string()}, (d / "out.html").string());
  EXPECT_EQ(rc, 2);
  EXPECT_NE(err.find((d / "broken.json").string()), std::string::npos) << err;
  EXPECT_FALSE(fs::exists(d / "out.html"));
  fs::remove_all(d);
}

TEST(Report, WrongFieldExits2NamingFileAndField) {
  fs::path d = fresh_dir("field");
  json j = sample();
  j["sides"]["server"]["states"][1]["after_fault_ms"] = "soon";
  write(d / "bad.json", j.dump());
  auto [rc, err] = run_report({d.string()}, "");
  EXPECT_EQ(rc, 2);
  EXPECT_NE(err.find((d / "bad.json").string()), std::string::npos) << err;
  EXPECT_NE(err.find("sides.server.states[1].after_fault_ms"), std::string::npos) << err;

  j = sample();
  j["timeline"][3]["side"] = "router";
  write(d / "bad.json", j.dump());
  std::tie(rc, err) = run_report({d.string()}, "");
  EXPECT_EQ(rc, 2);
  EXPECT_NE(err.find("timeline[3].side"), std::string::npos) << err;

  j = sample();
  j["sides"]["server"]["predicted"]["schedule"][0].erase("at_ms");
  write(d / "bad.json", j.dump());
  std::tie(rc, err) = run_report({d.string()}, "");
  EXPECT_EQ(rc, 2);
  EXPECT_NE(err.find("sides.server.predicted.schedule[0].at_ms: missing"), std::string::npos) << err;
  fs::remove_all(d);
}

TEST(Report, FolderGivesReportHtmlInIt) {
  fs::path d = fresh_dir("folder");
  write(d / "a.json", sample().dump());
  write(d / "b.json", sample().dump());
  auto [rc, err] = run_report({d.string()}, "");
  EXPECT_EQ(rc, 0) << err;
  std::ifstream in(d / "report.html");
  std::string h((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Two runs of one case: one section, a folded entry per run.
  EXPECT_EQ(count(h, "<section"), 1u);
  EXPECT_EQ(count(h, "<details class=\"run\""), 2u);
  fs::remove_all(d);
}

TEST(Report, AnOutFolderStandsForItsLatestRun) {
  fs::path d = fresh_dir("latest");
  fs::create_directories(d / "20260101T000000Z");
  write(d / "20260101T000000Z" / "a.json", sample().dump());
  fs::create_directory_symlink("20260101T000000Z", d / "latest");
  auto [rc, err] = run_report({d.string()}, "");
  EXPECT_EQ(rc, 0) << err;
  std::ifstream in(d / "latest" / "report.html");  // the page goes with the run it draws
  std::string h((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(h.find((d / "latest" / "a.json").string()), std::string::npos);
  fs::remove_all(d);
}

TEST(Report, RelativePathsStayRelative) {
  fs::path d = fresh_dir("relative");
  fs::create_directories(d / "rel");
  write(d / "rel" / "a.json", sample().dump());
  fs::path before = fs::current_path();
  fs::current_path(d);
  auto [rc, err] = run_report({"rel"}, "");
  fs::current_path(before);
  EXPECT_EQ(rc, 0) << err;
  std::ifstream in(d / "rel" / "report.html");
  std::string h((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(h.find(">rel/a.json<"), std::string::npos);
  EXPECT_EQ(h.find(d.string()), std::string::npos);
  fs::remove_all(d);
}

TEST(Report, MissingPathOrNoFilesExits2) {
  auto [rc, err] = run_report({"/nonexistent/crashlab"}, "");
  EXPECT_EQ(rc, 2);
  EXPECT_NE(err.find("/nonexistent/crashlab"), std::string::npos);
  fs::path d = fresh_dir("empty");
  std::tie(rc, err) = run_report({d.string()}, "");
  EXPECT_EQ(rc, 2);
  EXPECT_NE(err.find("no result files"), std::string::npos);
  fs::remove_all(d);
}

TEST(ReportLabels, SampleLabelsKeepApart) { expect_apart(render(sample())); }

// Events bunched at both ends of the lanes and between close events: every label
// that is drawn keeps clear of the others, staggered into rows or flipped left.
TEST(ReportLabels, CrowdedEndsKeepApart) {
  json j = sample();
  double end = j["sides"]["server"]["detected_after_ms"].get<double>();
  double first = j["sides"]["server"]["states"][0]["after_fault_ms"].get<double>();
  for (int i = 0; i < 9; ++i) {
    j["timeline"].push_back(event(end + 0.01 * i, "server", "app", "recv: ETIMEDOUT " + std::to_string(i)));
    j["timeline"].push_back(event(first + 0.3 * i, "server", "error_report", "ECONNRESET " + std::to_string(i)));
    j["timeline"].push_back(event(2000 + 25.0 * i, "client", "app", "a long application event " + std::to_string(i)));
  }
  std::string h = render(j);
  expect_apart(h);
  // Some of them had to go to a second or third row, and some left of their mark.
  EXPECT_NE(h.find("text-anchor=\"end\""), std::string::npos);
}

// A real result (tests/data/report-sample.json: host-crash/send under tracepoints):
// its labels keep apart, and the crashed client's RST is not drawn as sent.
TEST(ReportLabels, RealResultLabelsKeepApart) {
  std::ifstream in(CRASHLAB_SOURCE_DIR "/tests/data/report-sample.json");
  json j = json::parse(in);
  std::string h = render(j);
  expect_apart(h);
  EXPECT_NE(h.find(">RST not sent: host down</text>"), std::string::npos);
  EXPECT_EQ(h.find(">RST out</text>"), std::string::npos);
}

TEST(ReportLabels, PictureScalesToTheWindow) {
  std::string h = render(sample());
  EXPECT_NE(h.find("<svg class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"100%\" viewBox=\"0 0 "),
            std::string::npos);
  EXPECT_FALSE(std::regex_search(h, std::regex("<svg[^>]* (width|height)=\"[0-9.]+\"")));
  EXPECT_NE(h.find("name=\"viewport\""), std::string::npos);
}

// The crashed client's kernel sends a RST while its processes die, after its link
// was cut: it is drawn as not sent. The server's own RST on a timeout did leave.
TEST(ReportReset, CrashedHostsResetIsNotDrawnAsSent) {
  json j = sample();
  j["timeline"].push_back(event(6700, "server", "reset_sent", "RST: TCP_KEEPALIVE_TIMEOUT"));
  j["timeline"].back()["source"] = "tracepoint";
  std::string h = render(j);
  EXPECT_NE(h.find(">RST not sent: host down</text>"), std::string::npos);
  EXPECT_NE(h.find("obs-tick kind-reset_sent unsent"), std::string::npos);
  EXPECT_NE(h.find("never left the host"), std::string::npos);
  // No client lane of any panel says "RST out"; the server's lane does.
  for (size_t at = h.find("data-side=\"client\""); at != std::string::npos; at = h.find("data-side=\"client\"", at + 1)) {
    std::string lane = h.substr(at, h.find("</svg>", at) - at);
    EXPECT_EQ(lane.find("RST out"), std::string::npos);
  }
  EXPECT_NE(h.find(">RST out</text>"), std::string::npos);
}

TEST(ReportReset, ProcessCrashResetIsSent) {
  json j = sample();
  j["fault"]["type"] = "process-crash";
  std::string h = render(j);
  EXPECT_EQ(h.find("not sent"), std::string::npos);
  EXPECT_NE(h.find(">RST out</text>"), std::string::npos);
}

TEST(ReportPage, TallyComesFirst) {
  json failed = sample();
  failed["verdict"] = "fail";
  json error = {{"case", "x/y"}, {"verdict", "error"}, {"error", "could not create namespace"}, {"sides", json::object()}};
  std::string h = render(std::vector<json>{sample(), failed, error});
  size_t tally = h.find("<p class=\"tally\">");
  ASSERT_NE(tally, std::string::npos);
  EXPECT_LT(tally, h.find("<table"));
  EXPECT_LT(tally, h.find("<section"));
  EXPECT_NE(h.find(">1 passed</span> <span class=\"count fail\">1 failed</span> <span class=\"count error\">1 error</span> of 3 runs (2 cases)"),
            std::string::npos);
  // The two that did not pass are listed, linked to their runs.
  size_t list = h.find("<ul class=\"not-passed\">");
  ASSERT_NE(list, std::string::npos);
  std::string items = h.substr(list, h.find("</ul>", list) - list);
  EXPECT_EQ(count(items, "<li>"), 2u);
  EXPECT_NE(items.find("href=\"#r1\""), std::string::npos);
  EXPECT_NE(items.find("href=\"#r2\""), std::string::npos);
}

TEST(ReportPage, RepeatsOfACaseAreOneEntry) {
  json a = sample(), b = sample(), c = sample({"server.sysctl.net.ipv4.tcp_retries2=5"});
  b["sides"]["server"]["detected_after_ms"] = 7000.0;
  b["verdict"] = "fail";
  std::string h = render(std::vector<json>{a, c, b});
  // Runs a and b are one case with the same (no) --set; c ran with a --set of its own.
  EXPECT_EQ(count(h, "<section"), 2u);
  EXPECT_EQ(count(h, "<details class=\"run\""), 2u);
  EXPECT_NE(h.find(">t/t --set server.sysctl.net.ipv4.tcp_retries2=5</a>"), std::string::npos);
  EXPECT_NE(h.find("2 runs: 1 passed, 1 failed, 0 errors"), std::string::npos);
  double d = a["sides"]["server"]["detected_after_ms"].get<double>();
  char spread[160];
  std::snprintf(spread, sizeof spread, "server: ETIMEDOUT 2x, detected 2x: %.1f ms to 7000.0 ms, median %.1f ms", d,
                (d + 7000) / 2);
  EXPECT_NE(h.find(spread), std::string::npos) << spread;
  // The failed run is unfolded, the passed one folded.
  EXPECT_NE(h.find("<details class=\"run\" id=\"r2\" open>"), std::string::npos);
  EXPECT_NE(h.find("<details class=\"run\" id=\"r0\">"), std::string::npos);
}

TEST(ReportPage, ResultRecordsItsSetAndAnUnknownVerdictIsRefused) {
  json j = sample({"server.sysctl.net.ipv4.tcp_retries2=5", "client.socket.TCP_NODELAY=1"});
  EXPECT_EQ(j["set"], json({"server.sysctl.net.ipv4.tcp_retries2=5", "client.socket.TCP_NODELAY=1"}));
  EXPECT_EQ(sample()["set"], json::array());
  j["verdict"] = "maybe";
  try {
    render(j);
    ADD_FAILURE() << "an unknown verdict was drawn";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("sample.json: verdict"), std::string::npos) << e.what();
  }
}

// Result names sort in time order: the fraction of a second has a fixed width. Names
// asked for in the same microsecond (repeats of a case starting together) differ.
TEST(ResultName, CarriesAFixedWidthUtcTimestamp) {
  const std::regex shape(R"(host-crash-send-\d{8}T\d{6}\.\d{6}Z)");
  std::string previous;
  for (int i = 0; i < 200; ++i) {
    const std::string name = result_basename("host-crash/send");
    ASSERT_TRUE(std::regex_match(name, shape)) << name;
    EXPECT_GT(name, previous) << "not after the name asked for before it";
    previous = name;
  }
}
