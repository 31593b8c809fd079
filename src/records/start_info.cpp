#include "start_info.h"

#include "chain_hash.h"
#include "file_io.h"
#include "version.h"

#include <climits>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <unistd.h>

namespace vigil {
namespace {

void text_bounded(JsonText& json, const std::string& text) {
  // -c programs can be long; the start record keeps a prefix, transcripts
  // keep the whole text.
  constexpr std::size_t kMax = 4096;
  json.string(text.size() > kMax ? std::string_view(text).substr(0, kMax) : std::string_view(text));
}

std::string current_directory() {
  std::string buffer(PATH_MAX, '\0');
  if (getcwd(buffer.data(), buffer.size()) == nullptr) return {};
  buffer.resize(std::char_traits<char>::length(buffer.c_str()));
  return buffer;
}

// Whether a program running as `euid` can rewrite what the sink keeps.
// Local daemons (journald, auditd, a syslog daemon) keep their files as
// root: out of an ordinary user's reach, not of root's. A collector on
// another host is out of everyone's here.
bool out_of_reach_of(const SinkSettings& sink, uid_t euid) {
  bool remote = sink.type == "syslog" && (sink.address.starts_with("tcp://") || sink.address.starts_with("tls://"));
  if (remote) return true;
  bool local_daemon = sink.type == "journald" || sink.type == "audit" || sink.type == "syslog";
  return local_daemon && euid != 0;
}

}  // namespace

bool has_append_only_attribute(const std::string& path) {
  // Never blocks: the path is whatever the log choice named, and a FIFO
  // there must not stop the start.
  std::string error;
  int fd = open_regular_file(path, O_NOCTTY, error);
  if (fd < 0) return false;
  int flags = 0;
  bool append_only = ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0 && (flags & FS_APPEND_FL) != 0;
  close(fd);
  return append_only;
}

void assess_protections(StartInfo& info, const std::vector<SinkSettings>& sinks) {
  info.append_only_log = has_append_only_attribute(info.log);
  info.out_of_reach.clear();
  for (const SinkSettings& sink : sinks) {
    if (out_of_reach_of(sink, geteuid())) info.out_of_reach.push_back(sink.name);
  }
}

std::string current_executable() {
  std::string buffer(PATH_MAX, '\0');
  ssize_t n = readlink("/proc/self/exe", buffer.data(), buffer.size());
  buffer.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return buffer;
}

void append_start_members(JsonText& json, const StartInfo& info, const char* origin) {
  json.key("origin");
  json.string(origin);
  json.key("ppid");
  json.integer(getppid());
  json.key("uid");
  json.integer(getuid());
  json.key("gid");
  json.integer(getgid());
  json.key("euid");
  json.integer(geteuid());
  json.key("egid");
  json.integer(getegid());
  json.key("exe");
  json.string(info.exe);
  json.key("argv");
  json.begin_array();
  for (const auto& arg : info.argv) text_bounded(json, arg);
  json.end_array();
  json.key("cwd");
  std::string cwd = current_directory();
  if (cwd.empty()) {
    json.null();
  } else {
    json.string(cwd);
  }
  json.key("versions");
  json.begin_object();
  json.key("python");
  json.string(info.python_version);
  json.key("vigil");
  json.string(kVigilVersion);
  json.end_object();
  json.key("policy");
  json.begin_object();
  json.key("name");
  json.string(info.policy.name);
  json.key("sha256");
  json.string(info.policy.sha256);
  json.key("source");
  json.string(info.policy.source);
  json.key("mode");
  json.string(info.policy.mode);
  json.key("locked");
  json.boolean(info.policy.locked);
  if (!info.policy.ignored_overrides.empty()) {
    json.key("ignored_overrides");
    json.begin_array();
    for (const std::string& name : info.policy.ignored_overrides) json.string(name);
    json.end_array();
  }
  json.end_object();
  json.key("entry");
  json.begin_object();
  json.key("mode");
  json.string(info.entry.mode);
  json.key("target");
  if (info.entry.target.empty()) {
    json.null();
  } else {
    text_bounded(json, info.entry.target);
  }
  json.key("inspect");
  json.boolean(info.entry.inspect);
  if (!info.entry.bootstrap.empty()) {
    json.key("bootstrap");
    json.string(info.entry.bootstrap);
  }
  json.end_object();
  json.key("securebits");
  json.begin_object();
  for (const auto& [key, names] : {std::pair{"found", &info.securebits.found}, {"honoured", &info.securebits.honoured}}) {
    json.key(key);
    json.begin_array();
    for (const std::string& name : *names) json.string(name);
    json.end_array();
  }
  if (!info.securebits.error.empty()) {
    json.key("error");
    json.string(info.securebits.error);
  }
  json.end_object();
  json.key("log");
  json.string(info.log);
  json.key("heartbeat");
  json.unsigned_integer(info.heartbeat_seconds);
  json.key("chain");
  json.boolean(info.chain);
  if (info.chain) {
    json.key("chain_hash");
    json.string(chain_hash_name(kChainHash));
  }
  // Not "hmac": that member ends every sealed record, this one included.
  json.key("sealed");
  json.boolean(info.hmac);
  if (!info.hmac_error.empty()) {
    json.key("sealed_error");
    json.string(info.hmac_error);
  }
  json.key("protections");
  json.begin_object();
  json.key("chain");
  json.boolean(info.chain);
  json.key("sealed");
  json.boolean(info.hmac);
  json.key("append_only");
  json.boolean(info.append_only_log);
  json.key("out_of_reach");
  json.begin_array();
  for (const std::string& sink : info.out_of_reach) json.string(sink);
  json.end_array();
  // Whether a program of this user could rewrite every copy of these
  // records in place, leaving only what `vigil log verify` can still see.
  json.key("rewritable");
  json.boolean(info.out_of_reach.empty() && !(info.append_only_log && geteuid() != 0));
  json.end_object();
  if (!info.sinks.empty()) {
    json.key("sinks");
    json.begin_array();
    for (const std::string& sink : info.sinks) json.string(sink);
    json.end_array();
  }
  if (!info.inherited_facts.empty() && std::string_view(origin) == "exec") {
    json.key("inherited_facts");
    json.begin_array();
    for (const InheritedFact& fact : info.inherited_facts) {
      json.begin_object();
      json.key("fact");
      json.string(fact.fact);
      json.key("pid");
      json.integer(fact.pid);
      json.key("seq");
      json.unsigned_integer(fact.seq);
      if (!fact.subject.empty()) {
        json.key("subject");
        json.string(fact.subject);
      }
      json.end_object();
    }
    json.end_array();
  }
  if (!info.unusable_logs.empty()) {
    json.key("unusable_logs");
    json.begin_array();
    for (const auto& unusable : info.unusable_logs) {
      json.begin_object();
      json.key("path");
      json.string(unusable.path);
      json.key("error");
      json.string(unusable.error);
      json.end_object();
    }
    json.end_array();
  }
}

}  // namespace vigil
