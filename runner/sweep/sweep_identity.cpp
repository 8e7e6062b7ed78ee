#include "runner/sweep/sweep_identity.hpp"

#include <cstdio>

#include "runner/case/case_parse.hpp"
#include "runner/case/overrides.hpp"

namespace crashlab::runner::sweep {

namespace {
constexpr int kIdentitySchema = 1;

std::string fnv1a64(const std::string& text) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : text) h = (h ^ c) * 0x100000001b3ull;
  char b[32];
  std::snprintf(b, sizeof b, "fnv1a64:%016llx", (unsigned long long)h);
  return b;
}

std::string joined(const std::vector<std::string>& items, const char* sep = " ") {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : sep) + s;
  return out.empty() ? "(none)" : out;
}

std::string vary_text(const SweepIdentity& id) {
  std::vector<std::string> parts;
  for (const Vary& v : id.varies) parts.push_back(v.key + "=" + joined(v.values, ","));
  return Fields::clipped(joined(parts), 200);
}

// How a field may differ between two folders: it must match, it must match unless
// --allow-mixed, it may differ (noted), or it is not compared.
enum class Rule { Same, Mixable, Free, Ignore };

struct IdentityField {
  const char* name;
  std::string (*key)(const SweepIdentity&);    // what is compared
  std::string (*shown)(const SweepIdentity&);  // what the message says
  Rule on_resume, on_merge;
};

std::string case_key(const SweepIdentity& id) { return id.case_hash; }
std::string case_shown(const SweepIdentity& id) { return id.case_path + " (content " + id.case_hash + ")"; }
std::string sets_text(const SweepIdentity& id) { return Fields::clipped(joined(id.sets), 200); }
std::string repeat_text(const SweepIdentity& id) { return std::to_string(id.repeat); }
std::string window_text(const SweepIdentity& id) { return id.window_ms ? std::to_string(*id.window_ms) + " ms" : "(none)"; }
std::string kernel_text(const SweepIdentity& id) { return id.kernel; }
std::string shard_of(const SweepIdentity& id) { return id.shard ? shard_text(*id.shard) : "(none)"; }
std::string version_text(const SweepIdentity& id) { return id.version; }

const IdentityField kFields[] = {
    {"--set", sets_text, sets_text, Rule::Same, Rule::Mixable},
    {"--vary", vary_text, vary_text, Rule::Same, Rule::Same},
    {"case", case_key, case_shown, Rule::Same, Rule::Mixable},  // after --set: a --set changes it too
    {"--repeat", repeat_text, repeat_text, Rule::Free, Rule::Same},
    {"--window", window_text, window_text, Rule::Same, Rule::Mixable},
    {"kernel", kernel_text, kernel_text, Rule::Same, Rule::Mixable},
    {"--shard", shard_of, shard_of, Rule::Same, Rule::Ignore},
    {"crashlab version", version_text, version_text, Rule::Free, Rule::Free},
};

std::vector<std::string> strings(Fields& f, const std::string& key) {
  std::vector<std::string> out;
  if (const nlohmann::json* a = f.opt_array(key))
    for (size_t i = 0; i < a->size(); ++i) out.push_back(f.string_element(key, i));
  return out;
}
}  // namespace

std::string case_hash(const nlohmann::json& file_content, const CaseSpec& effective) {
  nlohmann::json j = file_content;
  j.erase("sysctls");
  j.erase("sockets");
  for (const auto& [role, values] : effective.sysctls)
    for (const auto& [name, value] : values) j["sysctls"][role_name(role)][name] = value;
  for (const auto& [role, options] : effective.sockets)
    for (const SocketOption& o : options) j["sockets"][role_name(role)].push_back({o.name, o.value});  // order matters
  return fnv1a64(j.dump());
}

CaseSpec case_of(const SweepIdentity& id, const std::string& source) {
  CaseSpec spec = parse_case(id.case_content, source + ": case.content", id.case_name);
  spec.file = id.case_path;
  for (const std::string& s : id.sets) apply_override(spec, s);
  return spec;
}

nlohmann::json identity_json(const SweepIdentity& id) {
  nlohmann::json expanded = nlohmann::json::array();
  for (const Vary& v : id.varies) expanded.push_back({{"key", v.key}, {"values", v.values}});
  return {{"schema_version", kIdentitySchema},
          {"case", {{"path", id.case_path}, {"name", id.case_name}, {"hash", id.case_hash}, {"content", id.case_content}}},
          {"set", id.sets},
          {"vary", {{"given", id.vary_given}, {"expanded", expanded}}},
          {"repeat", id.repeat},
          {"window_ms", id.window_ms ? nlohmann::json(*id.window_ms) : nlohmann::json(nullptr)},
          {"kernel", id.kernel},
          {"crashlab_version", id.version},
          {"shard", id.shard ? nlohmann::json(shard_text(*id.shard)) : nlohmann::json(nullptr)},
          {"merged_from", id.merged_from}};
}

SweepIdentity identity_from_json(const nlohmann::json& j, const std::string& file) {
  // null stands for "not given" (window_ms, shard): the same as an absent key.
  nlohmann::json given = j;
  if (given.is_object())
    for (auto it = given.begin(); it != given.end();) it = it->is_null() ? given.erase(it) : std::next(it);
  Fields f(given, file, "");
  SweepIdentity id;
  f.integer("schema_version", kIdentitySchema, kIdentitySchema);
  Fields c = f.child("case");
  id.case_path = c.string("path");
  id.case_name = c.string("name");
  id.case_hash = c.string("hash");
  id.case_content = c.object("content");
  c.done();
  id.sets = strings(f, "set");
  Fields v = f.child("vary");
  id.vary_given = strings(v, "given");
  if (const nlohmann::json* a = v.opt_array("expanded"))
    for (size_t i = 0; i < a->size(); ++i) {
      Fields e = v.element("expanded", i);
      id.varies.push_back({e.string("key"), strings(e, "values")});
      e.done();
    }
  v.done();
  if (id.varies.empty()) f.fail("vary.expanded", "names no parameter");
  id.repeat = size_t(f.integer("repeat", 1, 1000));
  id.window_ms = f.opt_integer("window_ms", 1, kMaxWindowMs);
  id.kernel = f.string("kernel");
  id.version = f.string("crashlab_version");
  if (auto s = f.opt_string("shard")) {
    try {
      id.shard = parse_shard(*s);
    } catch (const InputError& e) {
      f.fail("shard", e.what());
    }
  }
  id.merged_from = strings(f, "merged_from");
  f.done();
  return id;
}

std::vector<Difference> differences(const SweepIdentity& ours, const SweepIdentity& theirs, Use use, bool allow_mixed) {
  std::vector<Difference> out;
  for (const IdentityField& field : kFields) {
    const Rule rule = use == Use::Resume ? field.on_resume : field.on_merge;
    if (rule == Rule::Ignore || field.key(ours) == field.key(theirs)) continue;
    const bool refused = rule == Rule::Same || (rule == Rule::Mixable && !allow_mixed);
    out.push_back({field.name, field.shown(ours), field.shown(theirs), refused, rule == Rule::Mixable});
  }
  return out;
}

}  // namespace crashlab::runner::sweep
