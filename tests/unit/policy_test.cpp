// The policy engine without Python: loading with diagnostics, every
// matcher, every action, rate limits and the event index.
#include "glob.h"
#include "policy_engine.h"
#include "policy_image.h"
#include "policy_loader.h"
#include "policy_selection.h"

#include <gtest/gtest.h>
#include <algorithm>
#include <climits>
#include <deque>
#include <fstream>
#include <sstream>

namespace vigil {
namespace {

class Values final : public ArgumentSource {
 public:
  explicit Values(std::vector<ArgValue> values) : values_(std::move(values)) {}
  std::size_t count() const override { return values_.size(); }
  const ArgValue& value(std::size_t position) override { return values_[position]; }

 private:
  std::vector<ArgValue> values_;
};

class Site final : public SiteSource {
 public:
  explicit Site(std::string file = "", bool verified = false)
      : file_(file.empty() ? ArgValue() : ArgValue::of_text(file_text_ = file)), verified_(verified) {}
  const ArgValue& file() override { return file_; }
  bool verified() override { return verified_; }

 private:
  std::string file_text_;
  ArgValue file_;
  bool verified_;
};

Policy load(const std::string& text) {
  LoadResult result = load_policy(text, "test.toml");
  std::string errors;
  for (const auto& d : result.diagnostics) errors += format_diagnostic(d, "test.toml") + "\n";
  EXPECT_TRUE(result.policy.has_value()) << errors;
  return result.policy ? std::move(*result.policy) : Policy{};
}

std::vector<Diagnostic> diagnostics_of(const std::string& text) { return load_policy(text, "t.toml").diagnostics; }

const std::string kHeader = "version = 1\nname = \"t\"\nmode = \"enforce\"\n";

// One rule on `event` with `condition` under [rule]; does `value` match?
// The value is the event's first argument, or its second for socket events,
// whose first is the socket.
bool matches(const std::string& condition, ArgValue value, const std::string& event = "open") {
  PolicyEngine engine(load(kHeader + "[[rule]]\nid = \"r\"\nevent = \"" + event + "\"\naction = \"alert\"\n" +
                           condition + "\n"),
                      {});
  Values args(event.starts_with("socket.") ? std::vector<ArgValue>{ArgValue::of_none(), value}
                                           : std::vector<ArgValue>{value});
  Site site;
  return engine.evaluate(event, args, site).alert_count == 1;
}

ArgValue text(const char* s) { return ArgValue::of_text(s); }

ArgValue sequence(const std::vector<ArgValue>& items) {
  static std::deque<std::vector<ArgValue>> keep;
  ArgValue value;
  value.kind = ValueKind::sequence;
  value.type = "tuple";
  value.items = keep.emplace_back(items);
  return value;
}

TEST(Glob, MatchesShellPatterns) {
  EXPECT_TRUE(glob_match("/tmp/*", "/tmp/a/b.py"));
  EXPECT_TRUE(glob_match("*.pth", "/usr/lib/x.pth"));
  EXPECT_FALSE(glob_match("*.pth", "/usr/lib/x.pth.bak"));
  EXPECT_TRUE(glob_match("socket.*", "socket.connect"));
  EXPECT_TRUE(glob_match("f?o[0-9]", "fxo7"));
  EXPECT_FALSE(glob_match("f?o[!0-9]", "fxo7"));
  EXPECT_TRUE(glob_match("a\\*", "a*"));
  EXPECT_FALSE(glob_match("a\\*", "ab"));
  EXPECT_TRUE(glob_match("*a*a*a*a*b", std::string(60, 'a') + "b"));
  EXPECT_FALSE(glob_match("*a*a*a*a*b", std::string(60, 'a')));
}

TEST(Glob, NamesWhatIsMalformed) {
  for (const char* good : {"", "/tmp/*", "f?o[0-9]", "[!a-z]x", "a\\[", "[]]", "[a-]", "\\\\"}) {
    EXPECT_EQ(glob_problem(good), "") << good;
  }
  EXPECT_NE(glob_problem("[").find("never closed"), std::string::npos);
  EXPECT_NE(glob_problem("/tmp/[abc").find("never closed"), std::string::npos);
  EXPECT_NE(glob_problem("[z-a]").find("runs backwards"), std::string::npos);
  EXPECT_NE(glob_problem("abc\\").find("lone"), std::string::npos);
}

TEST(Matchers, EqualsPrefixGlobRegex) {
  EXPECT_TRUE(matches("args.path = \"/etc/passwd\"", text("/etc/passwd")));
  EXPECT_FALSE(matches("args.path = \"/etc/passwd\"", text("/etc/passwd2")));
  EXPECT_TRUE(matches("args.path = { prefix = [\"/tmp/\", \"/dev/shm/\"] }", text("/dev/shm/x")));
  EXPECT_FALSE(matches("args.path = { prefix = \"/tmp/\" }", text("/tmpx")));
  EXPECT_TRUE(matches("args.path = { glob = \"/proc/*/mem\" }", text("/proc/12/mem")));
  EXPECT_TRUE(matches("args.path = { regex = '^/proc/[0-9]+/mem$' }", text("/proc/12/mem")));
  EXPECT_FALSE(matches("args.path = { regex = '^/proc/[0-9]+/mem$' }", text("/proc/self/mem")));
  ArgValue bytes = text("/etc/shadow");
  bytes.kind = ValueKind::bytes;
  bytes.type = "bytes";
  EXPECT_TRUE(matches("args.path = { prefix = \"/etc/\" }", bytes));
  // A number is never text.
  EXPECT_FALSE(matches("args.path = { prefix = \"1\" }", ArgValue::of_integer(12)));
}

TEST(Matchers, NumbersOneOfAndType) {
  EXPECT_TRUE(matches("args.path = 0", ArgValue::of_integer(0)));
  EXPECT_TRUE(matches("args.path = { gt = 10, le = 20 }", ArgValue::of_integer(20)));
  EXPECT_FALSE(matches("args.path = { gt = 10, le = 20 }", ArgValue::of_integer(21)));
  EXPECT_TRUE(matches("args.path = { lt = 0.5 }", ArgValue::of_integer(0)));
  ArgValue huge = ArgValue::of_integer(LLONG_MAX);
  huge.integer_fits = false;
  EXPECT_TRUE(matches("args.path = { gt = 9223372036854775807 }", huge));
  EXPECT_TRUE(matches("args.path = { one_of = [\"a\", \"b\"] }", text("b")));
  EXPECT_FALSE(matches("args.path = { one_of = [\"a\", \"b\"] }", text("c")));
  EXPECT_TRUE(matches("args.path = { one_of = [1, 2] }", ArgValue::of_integer(2)));
  EXPECT_TRUE(matches("args.path = { type = \"int\" }", ArgValue::of_integer(3)));
  ArgValue subclass = text("/x");
  subclass.type = "EvilStr";
  EXPECT_TRUE(matches("args.path = { type = [\"EvilStr\"] }", subclass));
  EXPECT_FALSE(matches("args.path = { type = \"str\" }", subclass));
  EXPECT_TRUE(matches("args.path = { prefix = \"/x\" }", subclass)) << "a subclass's own storage is matched";
  EXPECT_TRUE(matches("args.path = { prefix = \"/tmp\", not = true }", text("/etc")));
  EXPECT_FALSE(matches("args.path = \"x\"", ArgValue()));
}

TEST(Matchers, CidrAndPortOnSocketAddresses) {
  const std::string rule = "args.address = { cidr = [\"10.0.0.0/8\", \"2001:db8::/32\"] }";
  EXPECT_TRUE(matches(rule, sequence({text("10.1.2.3"), ArgValue::of_integer(80)}), "socket.connect"));
  EXPECT_FALSE(matches(rule, sequence({text("11.1.2.3"), ArgValue::of_integer(80)}), "socket.connect"));
  EXPECT_TRUE(matches(rule, sequence({text("2001:db8::1"), ArgValue::of_integer(80)}), "socket.connect"));
  EXPECT_TRUE(matches(rule, sequence({text("::ffff:10.0.0.1"), ArgValue::of_integer(80)}), "socket.connect"));
  EXPECT_FALSE(matches(rule, sequence({text("example.com"), ArgValue::of_integer(80)}), "socket.connect"));
  EXPECT_FALSE(matches(rule, text("/run/unix.sock"), "socket.connect"));
  const std::string ports = "args.address = { port = [22, \"8000-8999\"] }";
  EXPECT_TRUE(matches(ports, sequence({text("1.2.3.4"), ArgValue::of_integer(8443)}), "socket.connect"));
  EXPECT_TRUE(matches(ports, sequence({text("1.2.3.4"), ArgValue::of_integer(22)}), "socket.connect"));
  EXPECT_FALSE(matches(ports, sequence({text("1.2.3.4"), ArgValue::of_integer(443)}), "socket.connect"));
}

TEST(Matchers, KeyOfAnEnvironmentInEitherShape) {
  // The first argument stands in for os.exec's env.
  const std::string rule = "args.path = { key = [\"LD_PRELOAD\", \"PYTHON*\"] }";
  auto with_names = [](ValueKind kind, std::string_view names) {
    ArgValue value;
    value.kind = kind;
    value.names = names;
    return value;
  };
  using namespace std::string_view_literals;
  EXPECT_TRUE(matches(rule, with_names(ValueKind::mapping, "PATH\0LD_PRELOAD\0"sv)));
  EXPECT_TRUE(matches(rule, with_names(ValueKind::sequence, "HOME\0PYTHONSTARTUP\0"sv)));
  EXPECT_FALSE(matches(rule, with_names(ValueKind::mapping, "PATH\0LD_PRELOADX\0"sv)));
  EXPECT_FALSE(matches(rule, with_names(ValueKind::mapping, ""sv)));
  EXPECT_FALSE(matches(rule, ArgValue::of_none()));
}

TEST(Matchers, SiteEntryIsTheProgramsOwnCode) {
  auto policy = [] {
    return load(kHeader + "[[rule]]\nid = \"r\"\nevent = \"exec\"\naction = \"alert\"\nsite.entry = true\n");
  };
  Values none({});
  Site script("/srv/tool.py"), library("/usr/lib/python3.11/dataclasses.py"), command("<string>"), stdin("<stdin>");
  PolicyEngine file(policy(), {0, "/srv/tool.py", "file"});
  EXPECT_EQ(file.evaluate("exec", none, script).alert_count, 1u);
  EXPECT_EQ(file.evaluate("exec", none, library).alert_count, 0u);
  EXPECT_EQ(file.evaluate("exec", none, command).alert_count, 0u);
  PolicyEngine dash_c(policy(), {0, "", "command"});
  EXPECT_EQ(dash_c.evaluate("exec", none, command).alert_count, 1u);
  EXPECT_EQ(dash_c.evaluate("exec", none, stdin).alert_count, 0u);
  PolicyEngine piped(policy(), {0, "", "stdin"});
  EXPECT_EQ(piped.evaluate("exec", none, stdin).alert_count, 1u);
  PolicyEngine module(policy(), {0, "", "module"});
  EXPECT_EQ(module.evaluate("exec", none, script).alert_count, 0u);
}

TEST(Engine, CorrelatedRulesMatchOnlyAfterTheirPrerequisites) {
  PolicyEngine engine(load(kHeader +
                           "[[rule]]\nid = \"connected\"\nevent = \"socket.connect\"\naction = \"log\"\n"
                           "[[rule]]\nid = \"fetched-then-ran\"\nevent = \"compile\"\nafter = \"connected\"\n"
                           "within = 60\naction = \"alert\"\n"),
                      {});
  Values none({});
  Site site;
  EXPECT_EQ(engine.evaluate("compile", none, site).alert_count, 0u) << "nothing connected yet";
  Verdict connected = engine.evaluate("socket.connect", none, site);
  EXPECT_EQ(connected.alert_count, 0u);
  ASSERT_EQ(connected.prerequisite_count, 1u);
  EXPECT_EQ(engine.evaluate("compile", none, site).alert_count, 0u) << "not remembered until noted";
  engine.note(connected, 41);
  Verdict ran = engine.evaluate("compile", none, site);
  ASSERT_EQ(ran.alert_count, 1u);
  std::string members;
  JsonText json(members);
  json.begin_object();
  engine.append_prerequisites(json, *ran.alerts[0]);
  json.end_object();
  EXPECT_EQ(members, "{\"after\":[{\"rule\":\"connected\",\"pid\":" + std::to_string(getpid()) +
                         ",\"seq_ref\":41}]}");
}

TEST(Engine, FactsAreSetByMatchesAndGivenToLaterRules) {
  PolicyEngine engine(load(kHeader +
                           "[[rule]]\nid = \"connected\"\nevent = \"socket.connect\"\nsets = [\"net.connected\"]\n"
                           "subject = \"args.address\"\n"
                           "[[rule]]\nid = \"listening\"\nevent = \"socket.bind\"\nsets = [\"net.listening\"]\n"
                           "[[rule]]\nid = \"shell\"\nevent = \"os.system\"\nsubject = \"args.command\"\n"
                           "given_any = [\"net.connected\", \"net.listening\"]\naction = \"alert\"\n"
                           "[[rule]]\nid = \"both\"\nevent = \"os.system\"\n"
                           "given = [\"net.connected\", \"net.listening\"]\naction = \"alert\"\n"),
                      {});
  Values command({text("id")});
  Site site;
  EXPECT_EQ(engine.evaluate("os.system", command, site).alert_count, 0u) << "no fact yet";
  EXPECT_FALSE(engine.holds_facts());
  Values address({ArgValue::of_none(), sequence({text("127.0.0.1"), ArgValue::of_integer(4444)})});
  Verdict connected = engine.evaluate("socket.connect", address, site);
  ASSERT_EQ(connected.establishing_count, 1u);
  EXPECT_EQ(connected.established_subjects[0], "127.0.0.1:4444");
  EXPECT_EQ(engine.evaluate("os.system", command, site).alert_count, 0u) << "not established until noted";
  engine.note(connected, 7);
  Verdict shell = engine.evaluate("os.system", command, site);
  ASSERT_EQ(shell.alert_count, 1u) << "given_any holds with one fact; given needs both";
  EXPECT_EQ(shell.alerts[0]->id, "shell");
  EXPECT_EQ(shell.subjects[0], "id");
  std::string members;
  JsonText json(members);
  json.begin_object();
  engine.append_because(json, *shell.alerts[0]);
  json.end_object();
  EXPECT_EQ(members, "{\"because\":[{\"fact\":\"net.connected\",\"pid\":" + std::to_string(getpid()) +
                         ",\"seq\":7,\"subject\":\"127.0.0.1:4444\"}]}");
  engine.note(engine.evaluate("socket.bind", address, site), 9);
  EXPECT_EQ(engine.evaluate("os.system", command, site).alert_count, 2u);
}

TEST(Engine, FactsTravelAcrossExecOnlyFromAncestors) {
  const std::string policy = kHeader +
                             "[[rule]]\nid = \"connected\"\nevent = \"socket.connect\"\nsets = [\"net.connected\"]\n"
                             "subject = \"args.address\"\n"
                             "[[rule]]\nid = \"shell\"\nevent = \"os.system\"\ngiven = [\"net.connected\"]\n"
                             "action = \"alert\"\n";
  PolicyEngine parent(load(policy), {});
  EXPECT_EQ(parent.inheritable_facts(), "");
  Values address({ArgValue::of_none(), sequence({text("10.0.0.1;x,y"), ArgValue::of_integer(80)})});
  Site site;
  parent.note(parent.evaluate("socket.connect", address, site), 12);
  std::string passed = parent.inheritable_facts();
  auto accept_all = [](long long) { return true; };
  auto accept_none = [](long long) { return false; };
  auto facts = PolicyEngine::parse_inherited_facts(passed, accept_all);
  ASSERT_EQ(facts.size(), 1u);
  EXPECT_EQ(facts[0].fact, "net.connected");
  EXPECT_EQ(facts[0].pid, getpid());
  EXPECT_EQ(facts[0].seq, 12u);
  EXPECT_EQ(facts[0].subject, "10.0.0.1;x,y:80") << "separators in a subject survive the trip";
  EXPECT_TRUE(PolicyEngine::parse_inherited_facts(passed, accept_none).empty()) << "a stranger's variable";
  for (const char* malformed : {"", "x;net.connected,1,2,", "1;net.connected,1", "1;net.connected,a,2,",
                                "1;net.connected,1,2,zz", "1;,1,2,"}) {
    EXPECT_TRUE(PolicyEngine::parse_inherited_facts(malformed, accept_all).empty()) << malformed;
  }
  PolicyEngine child(load(policy), {});
  Values command({text("id")});
  EXPECT_EQ(child.evaluate("os.system", command, site).alert_count, 0u);
  child.inherit(facts);
  child.inherit({{"unknown.fact", 1, 2, ""}});
  Verdict shell = child.evaluate("os.system", command, site);
  ASSERT_EQ(shell.alert_count, 1u);
}

TEST(Engine, ThresholdsMatchOncePerWindow) {
  PolicyEngine engine(load(kHeader + "[[rule]]\nid = \"burst\"\nevent = \"os.remove\"\naction = \"alert\"\n"
                                     "threshold = { count = 3, seconds = 60 }\n"),
                      {});
  Values path({text("/srv/a")});
  Site site;
  std::vector<std::size_t> alerts;
  for (int i = 0; i < 7; ++i) alerts.push_back(engine.evaluate("os.remove", path, site).alert_count);
  EXPECT_EQ(alerts, (std::vector<std::size_t>{0, 0, 1, 0, 0, 0, 0}));
}

TEST(Matchers, ExceptGlobAndAnyBit) {
  EXPECT_TRUE(matches("args.path = { glob = \"/tmp/*\", except_glob = \"/tmp/pym-*\" }", text("/tmp/x")));
  EXPECT_FALSE(matches("args.path = { glob = \"/tmp/*\", except_glob = \"/tmp/pym-*\" }", text("/tmp/pym-1")));
  EXPECT_TRUE(matches("args.path = { except_glob = \"/tmp/*\" }", ArgValue::of_integer(3))) << "not text: not excepted";
  EXPECT_TRUE(matches("args.0 = { any_bit = 0o6000 }", ArgValue::of_integer(0104755)));
  EXPECT_FALSE(matches("args.0 = { any_bit = 0o6000 }", ArgValue::of_integer(0100755)));
  EXPECT_FALSE(matches("args.0 = { any_bit = 0o6000 }", text("4755")));
}

TEST(Matchers, GlobListsMatchTheSameBeforeAndAfterTheirAutomaton) {
  const std::vector<std::string> globs = {"*/.ssh/id_*[!b]", "/etc/shadow", "/tmp/?x[0-9]*", "*/[!.]cache/*",
                                          "/a\\*b", "*/Login Data*", "/\xc3\xa9t\xc3\xa9/*"};
  Matcher matcher;
  matcher.op = Matcher::Op::glob;
  for (const std::string& glob : globs) matcher.literals.emplace_back(glob);
  matcher.prepare();
  ASSERT_TRUE(matcher.globs);
  const std::vector<std::string> texts = {"/root/.ssh/id_rsa", "/root/.ssh/id_rsa.pub", "/etc/shadow", "/etc/shadow-",
                                          "/tmp/ax7", "/tmp/axy", "/home/u/xcache/f", "/home/u/.cache/f", "/a*b", "/ab",
                                          "/h/.config/google-chrome/Default/Login Data", "/\xc3\xa9t\xc3\xa9/f",
                                          "/\xff\xfe/.ssh/id_ed25519", "", "/etc/sh\nadow"};
  for (int round = 0; round < 100; ++round) {  // the first uses loop, the later ones use the automaton
    for (const std::string& text : texts) {
      bool expected = std::any_of(globs.begin(), globs.end(), [&](const std::string& g) { return glob_match(g, text); });
      ASSERT_EQ(matcher.matches(ArgValue::of_text(text)), expected) << text << " in round " << round;
    }
  }
}

TEST(Loader, FactsThresholdsAndSubjectsAreChecked) {
  const std::string sets = "[[rule]]\nid = \"c\"\nevent = \"socket.connect\"\nsets = [\"net.connected\"]\n";
  for (const std::string& bad :
       {kHeader + "[[rule]]\nid = \"r\"\nevent = \"exec\"\ngiven = [\"never.set\"]\n",
        kHeader + sets + "[[rule]]\nid = \"r\"\nevent = \"exec\"\ngiven_any = [\"net.connectd\"]\n",
        kHeader + "[[rule]]\nid = \"r\"\nevent = \"exec\"\nsets = [\"Bad Name\"]\n",
        kHeader + "[[rule]]\nid = \"r\"\nevent = \"exec\"\nsets = [\"a;b\"]\n",
        kHeader + "[[rule]]\nid = \"r\"\nevent = \"exec\"\nthreshold = { count = 1, seconds = 5 }\n",
        kHeader + "[[rule]]\nid = \"r\"\nevent = \"exec\"\nthreshold = { count = 5 }\n",
        kHeader + "[[rule]]\nid = \"r\"\nevent = \"exec\"\nthreshold = { count = 5, seconds = 5, per = 1 }\n",
        kHeader + "[[rule]]\nid = \"r\"\nevent = \"open\"\nsubject = \"args.nope\"\n",
        kHeader + "[[rule]]\nid = \"r\"\nevent = \"open\"\nsubject = \"process.uid\"\n",
        kHeader + "[[rule]]\nid = \"r\"\nevent = \"os.chmod\"\nargs.mode = { any_bit = 0 }\n",
        kHeader + "[[rule]]\nid = \"r\"\nevent = \"open\"\nargs.path = { except_glob = \"[z-a]\" }\n",
        kHeader + "[[rule]]\nid = \"r\"\nevent = \"exec\"\ngiven_any = []\n",
        kHeader + "[[rule]]\nid = \"r\"\nevent = \"exec\"\nsets = []\n",
        kHeader + "[[rule]]\nid = \"r\"\nevent = \"vigil.cod\"\n",
        kHeader + "[[rule]]\nid = \"r\"\nevent = \"vigil.process_start\"\nargs.kind = \"shel\"\n",
        kHeader + "[[rule]]\nid = \"r\"\nevent = \"vigil.code\"\nargs.origin = { one_of = [\"network\", \"net\"] }\n"}) {
    auto found = diagnostics_of(bad);
    ASSERT_FALSE(found.empty()) << bad;
    EXPECT_EQ(found[0].level, Diagnostic::Level::error) << bad;
  }
  auto misspelt = diagnostics_of(kHeader + sets + "[[rule]]\nid = \"r\"\nevent = \"exec\"\ngiven = [\"net.conected\"]\n");
  EXPECT_NE(misspelt[0].message.find("is given fact \"net.conected\", which no rule `sets`"), std::string::npos);
  EXPECT_TRUE(diagnostics_of(kHeader + sets + "[[rule]]\nid = \"r\"\nevent = \"exec\"\ngiven = [\"net.connected\"]\n"
                             "within = 5\n").empty()) << "within bounds a fact's age";
}

TEST(Loader, CorrelationsNameRulesOfThePolicy) {
  const std::string connected = "[[rule]]\nid = \"c\"\nevent = \"socket.connect\"\naction = \"log\"\n";
  for (const std::string& bad :
       {kHeader + connected + "[[rule]]\nid = \"r\"\nevent = \"exec\"\nafter = \"missing\"\n",
        kHeader + "[[rule]]\nid = \"r\"\nevent = \"exec\"\nafter = \"r\"\n",
        kHeader + connected + "[[rule]]\nid = \"r\"\nevent = \"exec\"\nafter = \"c\"\nwithin = 0\n",
        kHeader + "[[rule]]\nid = \"r\"\nevent = \"exec\"\nwithin = 5\n"}) {
    auto found = diagnostics_of(bad);
    ASSERT_FALSE(found.empty()) << bad;
    EXPECT_EQ(found[0].level, Diagnostic::Level::error) << bad;
  }
  auto missing = diagnostics_of(kHeader + connected + "[[rule]]\nid = \"r\"\nevent = \"exec\"\nafter = \"nope\"\n");
  EXPECT_NE(missing[0].message.find("`after` names no rule of this policy: \"nope\""), std::string::npos);
  EXPECT_EQ(missing[0].line, 11);
}

TEST(Matchers, SiteAndProcess) {
  auto policy = [] {
    return load(kHeader +
                "[[rule]]\nid = \"r\"\nevent = \"exec\"\naction = \"alert\"\nsite.file = { prefix = \"/tmp/\" }\n"
                "site.verified = false\nprocess.uid = { ge = 1000 }\nprocess.entry = \"file\"\n"
                "process.script = { glob = \"/opt/*\" }\n");
  };
  Values none({});
  PolicyEngine user(policy(), {1000, "/opt/app.py", "file"});
  Site tmp("/tmp/x.py");
  EXPECT_EQ(user.evaluate("exec", none, tmp).alert_count, 1u);
  Site verified("/tmp/x.py", true);
  EXPECT_EQ(user.evaluate("exec", none, verified).alert_count, 0u);
  Site elsewhere("/usr/lib/x.py");
  EXPECT_EQ(user.evaluate("exec", none, elsewhere).alert_count, 0u);
  PolicyEngine root(policy(), {0, "/opt/app.py", "file"});
  EXPECT_EQ(root.evaluate("exec", none, tmp).alert_count, 0u);
  PolicyEngine command(policy(), {1000, "", "command"});
  EXPECT_EQ(command.evaluate("exec", none, tmp).alert_count, 0u);
}

TEST(Engine, StrongestActionDecidesAndAuditModeNeverDenies) {
  std::string rules =
      "[[rule]]\nid = \"a\"\nevent = \"open\"\naction = \"alert\"\n"
      "[[rule]]\nid = \"d\"\nevent = \"open\"\naction = \"deny\"\nargs.path = { prefix = \"/secret\" }\n"
      "[[rule]]\nid = \"k\"\nevent = \"open\"\naction = \"kill\"\nargs.path = \"/secret/kill\"\n";
  PolicyEngine enforce(load(kHeader + rules), {});
  Site site;
  Values open_secret({text("/secret/x")});
  Verdict verdict = enforce.evaluate("open", open_secret, site);
  EXPECT_EQ(verdict.action, Action::deny);
  EXPECT_TRUE(verdict.denies());
  EXPECT_EQ(verdict.decisive->id, "d");
  ASSERT_EQ(verdict.alert_count, 2u);
  EXPECT_EQ(verdict.alerts[0]->id, "a");
  Values open_kill({text("/secret/kill")});
  EXPECT_EQ(enforce.evaluate("open", open_kill, site).action, Action::kill);
  Values open_other({text("/other")});
  EXPECT_FALSE(enforce.evaluate("open", open_other, site).denies());

  std::string audit_header = "version = 1\nname = \"t\"\nmode = \"audit\"\n";
  PolicyEngine audit(load(audit_header + rules), {});
  Verdict audited = audit.evaluate("open", open_secret, site);
  EXPECT_EQ(audited.action, Action::deny);
  EXPECT_FALSE(audited.denies());
  EXPECT_EQ(audited.alert_count, 2u);
}

TEST(Engine, IndexesByEventAndGlob) {
  PolicyEngine engine(load(kHeader +
                           "[[rule]]\nid = \"sockets\"\nevent = \"socket.*\"\naction = \"alert\"\n"
                           "[[rule]]\nid = \"custom\"\nevent = \"myapp.*\"\naction = \"alert\"\n"),
                      {});
  EXPECT_EQ(engine.candidates("open"), nullptr) << "an event no rule names has no candidates";
  ASSERT_NE(engine.candidates("socket.connect"), nullptr);
  EXPECT_EQ(engine.candidates("socket.connect")->rules.size(), 1u);
  Values none({});
  Site site;
  EXPECT_EQ(engine.evaluate("myapp.login", none, site).alert_count, 1u);
  EXPECT_EQ(engine.evaluate("otherapp.login", none, site).alert_count, 0u);
  PolicyEngine plain(load(kHeader + "[[rule]]\nid = \"x\"\nevent = \"exec\"\naction = \"alert\"\n"), {});
  EXPECT_EQ(plain.candidates("thirdparty.event"), nullptr) << "no glob rules: unknown names cost one lookup";
}

// Rules that need the same argument to match their glob lists are judged
// first by one automaton over all their patterns (GlobScreen); what
// matches must be what the rules, each judged alone, match.
TEST(Engine, RulesScreenedByOneAutomatonMatchAsEachAlone) {
  const std::vector<std::string> rules = {
      "id = \"keys\"\nargs.path = { glob = [\"*/.ssh/*\", \"/etc/ssh/ssh_host_*_key\"], except_glob = \"*.pub\" }",
      "id = \"etc\"\nargs.path = { glob = [\"/etc/*\", \"/proc/[0-9]*/mem\"] }",
      "id = \"written\"\nargs.mode = { glob = \"*w*\" }\nargs.path = { glob = [\"/tmp/*\", \"*.kdbx\"] }",
      "id = \"not-tmp\"\nargs.path = { not = true, glob = \"/tmp/*\" }",
      "id = \"one\"\nargs.path = { glob = \"*/wallet.dat\" }",
      "id = \"histories\"\nargs.path = { glob = [\"*/.bash_history\", \"*/.python_history\"] }",
  };
  std::string all = kHeader;
  for (const std::string& rule : rules) all += "[[rule]]\nevent = \"open\"\naction = \"alert\"\n" + rule + "\n";
  PolicyEngine engine(load(all), {});
  ASSERT_NE(engine.candidates("open"), nullptr);
  ASSERT_EQ(engine.candidates("open")->screens.size(), 1u) << "the path's glob rules share one automaton";
  EXPECT_EQ(engine.candidates("open")->screens[0].rules, 0b110111u) << "all but the negated rule";
  std::vector<std::unique_ptr<PolicyEngine>> alone;
  for (const std::string& rule : rules) {
    alone.push_back(std::make_unique<PolicyEngine>(load(kHeader + "[[rule]]\nevent = \"open\"\naction = \"alert\"\n" + rule + "\n"),
                                                   ProcessFacts{}));
  }
  const std::vector<ArgValue> paths = {text("/home/u/.ssh/id_rsa"), text("/home/u/.ssh/id_rsa.pub"), text("/etc/passwd"),
                                       text("/proc/12/mem"), text("/proc/self/mem"), text("/tmp/db.kdbx"),
                                       text("/srv/db.kdbx"), text("/srv/x/wallet.dat"), text("/usr/lib/python3/os.py"),
                                       text("/root/.bash_history"),
                                       text(""), ArgValue::of_integer(3), ArgValue::of_none()};
  const std::vector<ArgValue> modes = {text("r"), text("wb")};
  Site site;
  for (int round = 0; round < 100; ++round) {  // the later rounds use the automaton
    for (const ArgValue& path : paths) {
      for (const ArgValue& mode : modes) {
        Values args({path, mode, ArgValue::of_integer(0)});
        Verdict verdict = engine.evaluate("open", args, site);
        std::vector<std::string> together;
        for (std::size_t i = 0; i < verdict.alert_count; ++i) together.push_back(verdict.alerts[i]->id);
        std::vector<std::string> each;
        for (const auto& single : alone) {
          Verdict own = single->evaluate("open", args, site);
          if (own.alert_count == 1) each.push_back(own.alerts[0]->id);
        }
        ASSERT_EQ(together, each) << "path " << path.text << " (kind " << static_cast<int>(path.kind) << "), mode "
                                  << mode.text << ", round " << round;
      }
    }
  }
  Values no_path({});
  EXPECT_EQ(engine.evaluate("open", no_path, site).alert_count, 0u) << "a missing argument matches no rule";
}

TEST(Engine, PositionalFieldsReachUncataloguedEvents) {
  PolicyEngine engine(load(kHeader + "[[rule]]\nid = \"x\"\nevent = \"myapp.login\"\naction = \"alert\"\n"
                                     "args.1 = \"root\"\n"),
                      {});
  Values args({text("alice"), text("root")});
  Site site;
  EXPECT_EQ(engine.evaluate("myapp.login", args, site).alert_count, 1u);
}

TEST(Engine, RateLimitsAndSamplingThinLogRecordsAndCountThem) {
  PolicyEngine engine(load(kHeader +
                           "[[rule]]\nid = \"noisy\"\nevent = \"object.__getattr__\"\nsample_one_in = 10\n"
                           "[[rule]]\nid = \"burst\"\nevent = \"builtins.id\"\nmax_per_second = 5\n"
                           "[[rule]]\nid = \"flag\"\nevent = \"object.__getattr__\"\naction = \"alert\"\n"
                           "args.name = \"__code__\"\n"),
                      {});
  Site site;
  Values plain({text("obj"), text("x")});
  int kept = 0;
  for (int i = 0; i < 100; ++i) kept += engine.evaluate("object.__getattr__", plain, site).suppressed ? 0 : 1;
  EXPECT_EQ(kept, 10);
  Values flagged({text("obj"), text("__code__")});
  for (int i = 0; i < 20; ++i) EXPECT_FALSE(engine.evaluate("object.__getattr__", flagged, site).suppressed);
  Values id({ArgValue::of_integer(1)});
  int burst_kept = 0;
  for (int i = 0; i < 50; ++i) burst_kept += engine.evaluate("builtins.id", id, site).suppressed ? 0 : 1;
  EXPECT_GE(burst_kept, 5);
  EXPECT_LE(burst_kept, 10) << "at most two one-second windows in a fast loop";
  auto counts = engine.suppressed_counts();
  ASSERT_EQ(counts.size(), 2u);
  EXPECT_EQ(counts[0].first, "noisy");
  EXPECT_EQ(counts[0].second, 90u);
  engine.reset_counters();
  EXPECT_TRUE(engine.suppressed_counts().empty());
}

TEST(Loader, ReportsErrorsWithLineAndColumn) {
  auto diagnostics = diagnostics_of(kHeader + "[[rule]]\nid = \"r\"\nevent = \"open\"\naction = \"deny\"\n"
                                              "args.path = { prefx = \"/tmp\" }\n");
  ASSERT_FALSE(diagnostics.empty());
  EXPECT_EQ(format_diagnostic(diagnostics[0], "t.toml"), "t.toml:8:23: error: unknown key `prefx`");

  auto syntax = diagnostics_of("version = 1\nname = \n");
  ASSERT_EQ(syntax.size(), 1u);
  EXPECT_EQ(syntax[0].line, 2);

  auto field = diagnostics_of(kHeader + "[[rule]]\nid = \"r\"\nevent = \"open\"\nargs.file = \"x\"\n");
  ASSERT_FALSE(field.empty());
  EXPECT_NE(field[0].message.find("has no argument `file`; its arguments are: path mode flags"), std::string::npos);

  const std::vector<std::string> broken = {
       "version = 2\nname = \"x\"\n", kHeader + "mode2 = 1\n", "version = 1\nname = \"x\"\nmode = \"x\"\n",
        kHeader + "[[rule]]\nid = \"r\"\nevent = \"open\"\naction = \"block\"\n",
        kHeader + "[[rule]]\nid = \"r\"\nevent = \"open\"\nseverity = \"urgent\"\n",
        kHeader + "[[rule]]\nid = \"r\"\nevent = \"open\"\nargs.path = { regex = \"(\" }\n",
        kHeader + "[[rule]]\nid = \"r\"\nevent = \"open\"\nargs.path = { cidr = \"10.0.0.0/33\" }\n",
        kHeader + "[[rule]]\nid = \"r\"\nevent = \"open\"\naction = \"alert\"\nmax_per_second = 3\n",
        kHeader + "[[rule]]\nid = \"entry.mine\"\nevent = \"open\"\n",
        kHeader + "[[rule]]\nid = \"r\"\nevent = \"open\"\n[[rule]]\nid = \"r\"\nevent = \"exec\"\n",
        kHeader + "[entry]\ncomand = false\n", kHeader + "[log]\nchain = \"yes\"\n",
        kHeader + "[log]\nhmac_key = \"log.key\"\n",
        kHeader + "[[sink]]\ntype = \"kafka\"\n",
        kHeader + "[[sink]]\ntype = \"syslog\"\naddress = \"udp://h:514\"\n",
        kHeader + "[[sink]]\ntype = \"syslog\"\naddress = \"tcp://h:514\"\ntls_ca = \"/ca.pem\"\n",
        kHeader + "[[sink]]\ntype = \"journald\"\nqueue = 10\n",
        kHeader + "[[sink]]\ntype = \"file\"\n",
        kHeader + "[[sink]]\ntype = \"audit\"\n[[sink]]\ntype = \"audit\"\n",
        kHeader + "[[sink]]\ntype = \"audit\"\nformat = \"cef\"\n",
        kHeader + "[[sink]]\ntype = \"audit\"\nmin_severity = \"urgent\"\n",
        kHeader + "[[sink]]\ntype = \"syslog\"\nwhen_full = \"wait\"\n",
        kHeader + "[[sink]]\ntype = \"syslog\"\nfacility = \"local9\"\n"};
  for (const std::string& bad : broken) {
    auto found = diagnostics_of(bad);
    bool error = std::any_of(found.begin(), found.end(),
                             [](const Diagnostic& d) { return d.level == Diagnostic::Level::error; });
    EXPECT_TRUE(error) << bad;
  }
}

TEST(Loader, RefusesWhatToml3CannotReadWithoutUndefinedBehaviour) {
  // toml++ 3.3 reaches __builtin_unreachable() when it asks whether these
  // are whitespace (found by tests/fuzz/policy_fuzz): now an error first.
  auto bare = diagnostics_of("\xEF\xBB\x81 \"\"");
  ASSERT_EQ(bare.size(), 1u);
  EXPECT_EQ(format_diagnostic(bare[0], "t.toml"),
            "t.toml:1:1: error: U+FEC1: only ASCII may stand outside strings and comments");
  auto after_key = diagnostics_of("version = 1\nname\xCC\xAA = 1\n");
  ASSERT_EQ(after_key.size(), 1u);
  EXPECT_EQ(after_key[0].line, 2);
  EXPECT_EQ(after_key[0].column, 5);
  // A table header's name is taken for a key's without a look (an
  // assertion in toml++'s debug builds).
  for (const std::string& header : {std::string("[\n"), std::string("[ !a]"), std::string("[[\0", 3)}) {
    auto unnamed = diagnostics_of(header);
    ASSERT_EQ(unnamed.size(), 1u) << header;
    EXPECT_NE(unnamed[0].message.find("a table header must begin with its name"), std::string::npos) << header;
  }
  for (const std::string& array : {std::string("a = [ }"), std::string("a = [1,\n}]")}) {
    auto unclosed = diagnostics_of(array);
    ASSERT_EQ(unclosed.size(), 1u) << array;
    EXPECT_NE(unclosed[0].message.find("an array holds values, and ends with ']'"), std::string::npos) << array;
  }
  // A value that is not a string is scanned to its end, quotes and all.
  auto in_value = diagnostics_of("s = 0gg\"\\3\xC2\xA7\"\n");
  ASSERT_EQ(in_value.size(), 1u);
  EXPECT_EQ(in_value[0].column, 11);
  auto continued = diagnostics_of(kHeader + "description = \"\"\"\\\n  \xC2\xA7\"\"\"\n");
  ASSERT_EQ(continued.size(), 1u);
  EXPECT_EQ(format_diagnostic(continued[0], "t.toml"),
            "t.toml:5:3: error: U+00A7: toml++ cannot read it safely right after a backslash; write it as an escape");

  // Everywhere else such characters are text, as TOML means them; a byte
  // order mark is skipped.
  Policy policy = load("\xEF\xBB\xBF" + kHeader + "# r\xC3\xA8gle \xEF\xBB\x81\n" +
                       R"(description = """§ "\" ﻁ\)" "\n" R"(  \u00A7 '''""")" "\n"
                       "[[rule]]\nid = \"r\"\nevent = \"open\"\nmessage = '\xC2\xA7 \xEF\xBB\x81'\n");
  EXPECT_EQ(policy.description, "\xC2\xA7 \"\" \xEF\xBB\x81\xC2\xA7 '''");
  ASSERT_FALSE(policy.rules.empty());
  EXPECT_EQ(policy.rules[0].message, "\xC2\xA7 \xEF\xBB\x81");
  Policy tight = load(kHeader + "[[rule]]\nid=\"r\"\nevent=[\"open\",\"exec\"]\nmessage=\"\xC2\xA7\"\n" +
                      "args.path = { one_of = [ \"/\xC2\xA7\", '/\xEF\xBB\x81' ] }\n");
  ASSERT_FALSE(tight.rules.empty());
  EXPECT_EQ(tight.rules[0].message, "\xC2\xA7");
}

TEST(Loader, ReadsSinks) {
  Policy policy = load(kHeader + R"([[sink]]
type = "syslog"
name = "siem"
address = "tls://[::1]:6514"
tls_ca = "/etc/ca.pem"
format = "ocsf"
kinds = ["alert", "delivery"]
min_severity = "high"
when_full = "drop"
queue = 100
facility = "local3"
[[sink]]
type = "journald"
events = ["socket.*"]
)");
  ASSERT_EQ(policy.sinks.size(), 2u);
  const SinkSettings& siem = policy.sinks[0];
  EXPECT_EQ(siem.name, "siem");
  EXPECT_EQ(siem.format, RecordFormat::ocsf);
  EXPECT_EQ(siem.kinds, (std::vector<std::string>{"alert", "delivery"}));
  EXPECT_EQ(siem.min_severity, 3);
  EXPECT_EQ(siem.when_full, WhenFull::drop);
  EXPECT_EQ(siem.queue, 100u);
  EXPECT_EQ(siem.facility, 19);
  EXPECT_EQ(policy.sinks[1].name, "journald");
  EXPECT_EQ(policy.sinks[1].events, (std::vector<std::string>{"socket.*"}));
}

TEST(Loader, WarnsAboutUncataloguedEventsAndNotificationOnlyDenials) {
  auto diagnostics = diagnostics_of(kHeader + "[[rule]]\nid = \"r\"\nevent = \"sys.set_asyncgen_hooks_firstiter\"\n"
                                              "[[rule]]\nid = \"c\"\nevent = \"cpython._PySys_ClearAuditHooks\"\n"
                                              "action = \"deny\"\n");
  ASSERT_EQ(diagnostics.size(), 2u);
  EXPECT_EQ(diagnostics[0].level, Diagnostic::Level::warning);
  EXPECT_EQ(diagnostics[0].line, 6);
  EXPECT_NE(diagnostics[1].message.find("can be recorded and alerted, not denied"), std::string::npos);
}

TEST(Loader, EntryRestrictionsBecomeRules) {
  Policy policy = load(kHeader + "[entry]\ncommand = false\nsitecustomize = false\npth_files = false\n");
  EXPECT_FALSE(policy.entry.command);
  ASSERT_NE(find_entry_rule(policy, "command"), nullptr);
  EXPECT_EQ(find_entry_rule(policy, "command")->events, std::vector<std::string>{"cpython.run_command"});
  EXPECT_EQ(find_entry_rule(policy, "module"), nullptr);
  EXPECT_EQ(find_entry_rule(policy, "sitecustomize")->refusal, Refusal::module_not_found);
  PolicyEngine engine(std::move(policy), {});
  Site site;
  Values pth({text("/usr/lib/python3/dist-packages/x.pth"), text("rb"), ArgValue::of_integer(0)});
  EXPECT_TRUE(engine.evaluate("vigil.open_code", pth, site).denies());
  EXPECT_FALSE(engine.evaluate("open", pth, site).denies()) << "reading a .pth as data is not running it";
}

TEST(ShippedPolicies, LoadWithoutErrorsOrWarnings) {
  for (const char* name : {"default.toml", "strict.toml", "examples/network.toml", "examples/noisy-events.toml",
                           "examples/code-locations.toml"}) {
    std::ifstream file(std::string(VIGIL_SOURCE_DIR) + "/policies/" + name);
    ASSERT_TRUE(file) << name;
    std::stringstream content;
    content << file.rdbuf();
    LoadResult result = load_policy(content.str(), name);
    EXPECT_TRUE(result.policy.has_value()) << name;
    for (const auto& d : result.diagnostics) ADD_FAILURE() << format_diagnostic(d, name);
  }
  EXPECT_EQ(builtin_default_policy().name, "default");
  EXPECT_EQ(builtin_default_policy().mode, Mode::audit);
}

Policy load_shipped(const char* name) {
  std::ifstream file(std::string(VIGIL_SOURCE_DIR) + "/policies/" + name);
  std::stringstream content;
  content << file.rdbuf();
  LoadResult result = load_policy(content.str(), "built-in");
  if (!result.policy) ADD_FAILURE() << name << " does not load";
  return result.policy.value_or(Policy{});
}

// Every member the loader sets survives the image: a member left out of
// policy_image.cpp's lists would come back with its default value.
TEST(PolicyImage, DecodesToThePolicyItWasMadeOf) {
  for (const char* name : {"default.toml", "strict.toml", "examples/network.toml", "examples/noisy-events.toml",
                           "examples/code-locations.toml"}) {
    Policy loaded = load_shipped(name);
    auto decoded = decode_policy_image(encode_policy_image(loaded));
    ASSERT_TRUE(decoded.has_value()) << name;
    EXPECT_TRUE(*decoded == loaded) << name;
  }
}

TEST(PolicyImage, TheBuiltInPolicyIsTheShippedDefault) {
  EXPECT_TRUE(builtin_default_policy() == load_shipped("default.toml"));
}

TEST(PolicyImage, RefusesDamagedImages) {
  std::string image = encode_policy_image(load_shipped("default.toml"));
  EXPECT_FALSE(decode_policy_image(image.substr(0, image.size() - 1)).has_value());
  EXPECT_FALSE(decode_policy_image(image + "x").has_value());
  EXPECT_FALSE(decode_policy_image("not an image").has_value());
  std::string truncated_count = image.substr(0, 40);
  EXPECT_FALSE(decode_policy_image(truncated_count).has_value());
}

TEST(PolicySelection, RootOnlyWritableChecksEveryDirectory) {
  EXPECT_EQ(root_only_writable_problem("/usr/bin"), "");
  EXPECT_NE(root_only_writable_problem("/tmp").find("writable by its group or by others"), std::string::npos);
}

}  // namespace
}  // namespace vigil

namespace vigil {
namespace {

TEST(TrustTable, DefaultsAndTheRulesItImplies) {
  Policy policy = load("version = 1\nname = \"t\"\n[trust]\n");
  const TrustSettings& trust = policy.trust;
  EXPECT_TRUE(trust.enabled && trust.database && trust.xattr && trust.native && trust.provenance);
  EXPECT_EQ(trust.database_paths, std::vector<std::string>{"/etc/vigil/trust.d"});
  EXPECT_EQ(trust.kernel, TrustSettings::Kernel::off);
  EXPECT_EQ(trust.bytecode, TrustSettings::Bytecode::verify);
  EXPECT_EQ(trust.generators, builtin_generators());
  for (std::string_view id : {kTrustCodeRule, kTrustNativeRule, kTrustProvenanceRule}) {
    const Rule* rule = find_rule(policy, id);
    ASSERT_NE(rule, nullptr) << id;
    EXPECT_EQ(rule->action, Action::deny);
    EXPECT_TRUE(rule->events.empty());
  }
  Policy narrow = load("version = 1\nname = \"t\"\n[trust]\nsources = []\nkernel = \"script\"\nnative = false\n"
                       "provenance = false\npyc = \"refuse\"\ngenerators = []\n");
  EXPECT_FALSE(narrow.trust.database || narrow.trust.xattr);
  EXPECT_EQ(narrow.trust.kernel, TrustSettings::Kernel::script);
  EXPECT_EQ(narrow.trust.bytecode, TrustSettings::Bytecode::refuse);
  EXPECT_TRUE(narrow.trust.generators.empty());
  EXPECT_EQ(find_rule(narrow, kTrustNativeRule), nullptr);
  EXPECT_EQ(find_rule(narrow, kTrustProvenanceRule), nullptr);
  EXPECT_FALSE(load("version = 1\nname = \"t\"\n").trust.enabled);
}

TEST(TrustTable, GeneratorsSayWhatTheirCodeIsBuiltFrom) {
  Policy policy = load("version = 1\nname = \"t\"\n[trust]\ngenerators = [\"/srv/app/gen.py\", "
                       "{ files = \"/srv/app/templates.py\", input = \"files\" }, \"builtin\"]\n");
  const std::vector<Generator>& generators = policy.trust.generators;
  ASSERT_EQ(generators.size(), 2 + builtin_generators().size());
  EXPECT_EQ(generators[0], (Generator{"/srv/app/gen.py", GeneratorInput::program}));
  EXPECT_EQ(generators[1], (Generator{"/srv/app/templates.py", GeneratorInput::files}));
  EXPECT_EQ(generators[2], builtin_generators()[0]);
  for (const char* wrong : {"generators = [\"gen.py\"]", "generators = [{ files = \"/a.py\", input = \"text\" }]",
                            "generators = [{ files = \"/a.py\", inputs = \"files\" }]", "generators = [1]"}) {
    auto diagnostics = diagnostics_of(std::string("version = 1\nname = \"t\"\n[trust]\n") + wrong + "\n");
    EXPECT_FALSE(diagnostics.empty()) << wrong;
  }
}

TEST(TrustTable, ATableThatCountsNothingIsAnError) {
  auto diagnostics = diagnostics_of("version = 1\nname = \"t\"\n[trust]\nsources = []\n");
  ASSERT_EQ(diagnostics.size(), 1U);
  EXPECT_EQ(diagnostics[0].message, "[trust] counts no source: name `sources` or set `kernel`");
  diagnostics = diagnostics_of("version = 1\nname = \"t\"\n[trust]\ndatabase = [\"relative\"]\n");
  ASSERT_EQ(diagnostics.size(), 1U);
  EXPECT_EQ(diagnostics[0].line, 4);
}

}  // namespace
}  // namespace vigil

namespace vigil {
namespace {

ArgValue address(const char* host, long long port) {
  return sequence({text(host), ArgValue::of_integer(port)});
}

// docs/policy.md, "Precedence": an exception keeps its rule from matching;
// an allow that matches cancels the rules it overrides, which then raise
// nothing, and the verdict names them.
const std::string kEgress =
    "[[rule]]\nid = \"outbound\"\nevent = \"socket.connect\"\naction = \"deny\"\n"
    "  [[rule.except]]\n  args.address = { port = 443 }\n"
    "[[rule]]\nid = \"outbound-alert\"\nevent = \"socket.connect\"\naction = \"alert\"\n"
    "[[rule]]\nid = \"allow-internal-ssh\"\nevent = \"socket.connect\"\naction = \"allow\"\n"
    "overrides = [\"outbound\"]\nargs.address = { cidr = \"10.0.0.0/8\", port = 22 }\n";

Verdict connect(PolicyEngine& engine, ArgValue where) {
  Values args({ArgValue::of_none(), where});
  Site site;
  return engine.evaluate("socket.connect", args, site);
}

TEST(Precedence, AnExceptionKeepsItsRuleFromMatching) {
  PolicyEngine engine(load(kHeader + kEgress), {});
  Verdict https = connect(engine, address("93.184.216.34", 443));
  EXPECT_FALSE(https.denies());
  ASSERT_EQ(https.alert_count, 1u);
  EXPECT_EQ(https.alerts[0]->id, "outbound-alert");
  EXPECT_EQ(https.cancelled_count, 0u);
  Verdict http = connect(engine, address("93.184.216.34", 80));
  EXPECT_TRUE(http.denies());
  EXPECT_EQ(http.decisive->id, "outbound");
  Values https_args({ArgValue::of_none(), address("1.2.3.4", 443)});
  Site site;
  EXPECT_EQ(engine.matching_exception(*find_rule(engine.policy(), "outbound"), "socket.connect", https_args, site), 0);
}

TEST(Precedence, AnAllowCancelsOnlyTheRulesItOverrides) {
  PolicyEngine engine(load(kHeader + kEgress), {});
  Verdict ssh = connect(engine, address("10.1.2.3", 22));
  EXPECT_FALSE(ssh.denies());
  EXPECT_EQ(ssh.action, Action::alert);  // outbound-alert is not named: it still alerts
  ASSERT_EQ(ssh.alert_count, 1u);
  EXPECT_EQ(ssh.alerts[0]->id, "outbound-alert");
  ASSERT_EQ(ssh.cancelled_count, 1u);
  EXPECT_EQ(ssh.cancelled[0].rule->id, "outbound");
  EXPECT_EQ(ssh.cancelled[0].allowed_by->id, "allow-internal-ssh");
  EXPECT_TRUE(ssh.decided());
  // Outside its conditions the allow cancels nothing.
  Verdict outside = connect(engine, address("10.1.2.3", 23));
  EXPECT_TRUE(outside.denies());
  EXPECT_EQ(outside.cancelled_count, 0u);
}

TEST(Precedence, ACancelledRuleSetsNoFactAndCountsNoThreshold) {
  std::string rules =
      "[[rule]]\nid = \"burst\"\nevent = \"open\"\naction = \"alert\"\nsets = [\"opened\"]\n"
      "threshold = { count = 2, seconds = 60 }\n"
      "[[rule]]\nid = \"after-open\"\nevent = \"compile\"\naction = \"alert\"\ngiven = [\"opened\"]\n"
      "[[rule]]\nid = \"quiet\"\nevent = \"open\"\naction = \"allow\"\noverrides = \"burst\"\n"
      "args.path = { prefix = \"/quiet/\" }\n";
  PolicyEngine engine(load(kHeader + rules), {});
  Site site;
  Values quiet({text("/quiet/a")});
  for (int i = 0; i < 3; ++i) {
    Verdict verdict = engine.evaluate("open", quiet, site);
    EXPECT_EQ(verdict.alert_count, 0u);
    EXPECT_EQ(verdict.cancelled_count, 1u);
    engine.note(verdict, 1);
  }
  EXPECT_FALSE(engine.holds_facts());
  Values loud({text("/loud")});
  EXPECT_EQ(engine.evaluate("open", loud, site).alert_count, 0u);  // the first of the window, not the second
  EXPECT_EQ(engine.evaluate("open", loud, site).alert_count, 1u);
}

TEST(Precedence, AnAllowCancelsATrustRuleTheRuntimeFinds) {
  std::string policy = kHeader + "[trust]\n"
                       "[[rule]]\nid = \"app-generators\"\nevent = \"compile\"\naction = \"allow\"\n"
                       "overrides = [\"trust.provenance\"]\nsite.file = { glob = \"/srv/app/*.py\" }\n"
                       "site.verified = true\n";
  PolicyEngine engine(load(policy), {});
  const Rule& provenance = *find_rule(engine.policy(), kTrustProvenanceRule);
  Values args({text("x = 1"), text("<generated>")});
  Site app("/srv/app/routes.py", true);
  Verdict allowed = engine.evaluate("compile", args, app);
  engine.add_finding(allowed, provenance, "compile of text that is not the content of a verified file");
  EXPECT_FALSE(allowed.denies());
  EXPECT_EQ(allowed.alert_count, 0u);
  ASSERT_EQ(allowed.cancelled_count, 1u);
  EXPECT_EQ(allowed.cancelled[0].rule, &provenance);
  Site elsewhere("/tmp/evil.py", true);
  Verdict denied = engine.evaluate("compile", args, elsewhere);
  engine.add_finding(denied, provenance, "compile of text that is not the content of a verified file");
  EXPECT_TRUE(denied.denies());
  EXPECT_EQ(denied.decisive, &provenance);
  EXPECT_EQ(denied.detail_of(provenance), "compile of text that is not the content of a verified file");
}

TEST(Precedence, TheLoaderRefusesAllowsThatCancelNothing) {
  auto errors = [](const std::string& rules) {
    std::string all;
    for (const Diagnostic& d : diagnostics_of(kHeader + rules)) {
      if (d.level == Diagnostic::Level::error) all += d.message + "\n";
    }
    return all;
  };
  const std::string deny = "[[rule]]\nid = \"d\"\nevent = \"open\"\naction = \"deny\"\n";
  const std::string allow = "[[rule]]\nid = \"a\"\nevent = \"open\"\naction = \"allow\"\n";
  EXPECT_EQ(errors(deny + allow + "overrides = \"d\"\n"), "");
  EXPECT_EQ(errors(deny + allow + "overrides = [\"d*\"]\n"), "");
  EXPECT_NE(errors(deny + allow).find("needs `overrides`"), std::string::npos);
  EXPECT_NE(errors(deny + allow + "overrides = \"nope\"\n").find("names no rule of this policy: \"nope\""),
            std::string::npos);
  EXPECT_NE(errors(deny + allow + "overrides = \"x*\"\n").find("takes in no alert, deny or kill rule"),
            std::string::npos);
  EXPECT_NE(errors(deny + allow + "overrides = \"a\"\n").find("names the rule itself"), std::string::npos);
  EXPECT_NE(errors(deny + allow + "overrides = \"trust.code\"\n").find("(no [trust] table)"), std::string::npos);
  EXPECT_NE(errors("[trust]\nnative = false\n" + allow + "overrides = \"trust.native\"\n").find("[trust] turns it off"),
            std::string::npos);
  EXPECT_EQ(errors("[trust]\n" + allow + "overrides = \"trust.code\"\n"), "");
  EXPECT_NE(errors("[entry]\ncommand = false\n" + allow + "overrides = \"entry.command\"\n")
                .find("entry restrictions are applied before Python starts"),
            std::string::npos);
  EXPECT_NE(errors("[[rule]]\nid = \"l\"\nevent = \"open\"\n" + allow + "overrides = \"l\"\n")
                .find("a log rule: an allow cancels alert, deny and kill rules"),
            std::string::npos);
  EXPECT_NE(errors(deny + "overrides = \"d\"\n").find("`overrides` belongs to allow rules"), std::string::npos);
  EXPECT_NE(errors(deny + allow + "overrides = \"d\"\nsets = [\"f\"]\n").find("cannot have `sets`"),
            std::string::npos);
  EXPECT_NE(errors(deny + "[[rule.except]]\n").find("an `except` table needs a condition"), std::string::npos);
  EXPECT_NE(errors(deny + "after = \"a\"\n" + allow + "overrides = \"d\"\n").find("`after` names the allow rule"),
            std::string::npos);
  EXPECT_NE(errors(deny + "[[rule.except]]\nargs.nope = 1\n").find("has no argument `nope`"), std::string::npos);
}

TEST(Precedence, AllowsAndExceptionsSurviveThePolicyImage) {
  Policy loaded = load(kHeader + kEgress);
  auto decoded = decode_policy_image(encode_policy_image(loaded));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_TRUE(*decoded == loaded);
  EXPECT_EQ(decoded->rules[0].exceptions.size(), 1u);
  EXPECT_EQ(decoded->rules[2].overrides, std::vector<std::string>{"outbound"});
}

// A missing argument fails a condition with or without `not`: a rule naming
// several events never matches those without the argument, and the
// loader says so.
TEST(MissingArguments, FailEveryConditionAndAreWarnedAbout) {
  std::string rule = "[[rule]]\nid = \"r\"\nevent = [\"open\", \"os.system\"]\naction = \"alert\"\n"
                     "args.path = { prefix = \"/etc/\", not = true }\n";
  PolicyEngine engine(load(kHeader + rule), {});
  Site site;
  Values open_tmp({text("/tmp/x")});
  EXPECT_EQ(engine.evaluate("open", open_tmp, site).alert_count, 1u);
  Values open_etc({text("/etc/x")});
  EXPECT_EQ(engine.evaluate("open", open_etc, site).alert_count, 0u);
  Values system({text("ls")});
  EXPECT_EQ(engine.evaluate("os.system", system, site).alert_count, 0u);
  auto diagnostics = diagnostics_of(kHeader + rule);
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_EQ(diagnostics[0].level, Diagnostic::Level::warning);
  EXPECT_EQ(diagnostics[0].message,
            "`args.path` is not an argument of \"os.system\": the rule never matches those events (give them a rule "
            "of their own)");
  // A subject some of the events lack only goes missing from their alerts.
  EXPECT_TRUE(diagnostics_of(kHeader + "[[rule]]\nid = \"s\"\nevent = [\"open\", \"os.system\"]\naction = \"alert\"\n"
                             "subject = \"args.path\"\n").empty());
  // A None argument is present: `not` holds for it.
  Values open_none({ArgValue::of_none()});
  EXPECT_EQ(engine.evaluate("open", open_none, site).alert_count, 1u);
  // Positions beyond the arguments given are missing too.
  EXPECT_FALSE(matches("args.3 = { equals = 1, not = true }", text("x"), "my.event"));
}

TEST(BuiltinPolicies, StrictAndWatchAreTheShippedStrictInEnforceAndAuditMode) {
  const BuiltinPolicy* strict = find_builtin_policy("strict");
  const BuiltinPolicy* watch = find_builtin_policy("watch");
  ASSERT_NE(strict, nullptr);
  ASSERT_NE(watch, nullptr);
  EXPECT_EQ(find_builtin_policy("./strict"), nullptr);
  Policy shipped = load_shipped("strict.toml");
  Policy built_in = decode_builtin_policy(*strict);
  EXPECT_EQ(built_in.source, "built-in:strict");
  shipped.source = built_in.source;
  EXPECT_TRUE(built_in == shipped);
  Policy watching = decode_builtin_policy(*watch);
  EXPECT_EQ(watching.name, "watch");
  EXPECT_EQ(watching.mode, Mode::audit);
  EXPECT_FALSE(watching.locked);
  EXPECT_TRUE(watching.rules == shipped.rules);
  EXPECT_TRUE(watching.entry == shipped.entry && watching.trust == shipped.trust);
  std::string error;
  auto read = read_policy("watch", error);
  ASSERT_TRUE(read.has_value()) << error;
  EXPECT_EQ(read->name, "watch");
}

}  // namespace
}  // namespace vigil
