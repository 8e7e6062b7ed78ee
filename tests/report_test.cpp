// `crashlab report`: the sample result renders as lanes, state bands and observed
// and predicted marks; strings are escaped; bad input exits 2 naming the file and
// the field. No privileges needed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "fixtures/measurements.hpp"
#include "runner/judge/judge.hpp"
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
json sample() {
  CaseSpec spec = host_crash_send_case(R"({"states": ["ESTABLISHED", "CLOSE"], "app": ["SENT", "ETIMEDOUT"],
                                           "detected_after_ms": "model"})");
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
std::pair<int, std::string> report(const std::vector<std::string>& paths, const std::string& out) {
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
  auto [rc, err] = report({(d / "broken.json").string()}, (d / "out.html").string());
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
  auto [rc, err] = report({d.string()}, "");
  EXPECT_EQ(rc, 2);
  EXPECT_NE(err.find((d / "bad.json").string()), std::string::npos) << err;
  EXPECT_NE(err.find("sides.server.states[1].after_fault_ms"), std::string::npos) << err;

  j = sample();
  j["timeline"][3]["side"] = "router";
  write(d / "bad.json", j.dump());
  std::tie(rc, err) = report({d.string()}, "");
  EXPECT_EQ(rc, 2);
  EXPECT_NE(err.find("timeline[3].side"), std::string::npos) << err;

  j = sample();
  j["sides"]["server"]["predicted"]["schedule"][0].erase("at_ms");
  write(d / "bad.json", j.dump());
  std::tie(rc, err) = report({d.string()}, "");
  EXPECT_EQ(rc, 2);
  EXPECT_NE(err.find("sides.server.predicted.schedule[0].at_ms: missing"), std::string::npos) << err;
  fs::remove_all(d);
}

TEST(Report, FolderGivesReportHtmlInIt) {
  fs::path d = fresh_dir("folder");
  write(d / "a.json", sample().dump());
  write(d / "b.json", sample().dump());
  auto [rc, err] = report({d.string()}, "");
  EXPECT_EQ(rc, 0) << err;
  std::ifstream in(d / "report.html");
  std::string h((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(count(h, "<section"), 2u);
  fs::remove_all(d);
}

TEST(Report, MissingPathOrNoFilesExits2) {
  auto [rc, err] = report({"/nonexistent/crashlab"}, "");
  EXPECT_EQ(rc, 2);
  EXPECT_NE(err.find("/nonexistent/crashlab"), std::string::npos);
  fs::path d = fresh_dir("empty");
  std::tie(rc, err) = report({d.string()}, "");
  EXPECT_EQ(rc, 2);
  EXPECT_NE(err.find("no result files"), std::string::npos);
  fs::remove_all(d);
}
