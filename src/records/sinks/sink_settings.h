// A [[sink]] table of the policy: which destination, in which format, for
// which records. Plain data, so the policy's image can carry it.
#pragma once

#include "sinks/record.h"

#include <cstdint>
#include <string>
#include <vector>

namespace vigil {

// What a queued sink does with a record when its queue is full.
enum class WhenFull : std::uint8_t {
  block,  // wait up to block_ms for room, then drop it
  drop,   // drop it at once
};

struct SinkSettings {
  std::string name;  // unique among the sinks; names the sink in `delivery` records
  std::string type;  // a name in the sink registry: file, journald, syslog, audit
  RecordFormat format = RecordFormat::native;
  // Which records: every kind when empty; `event` records only for events
  // matching one of `events` (globs) when that is not empty; alerts only
  // from min_severity up.
  std::vector<std::string> kinds;
  std::vector<std::string> events;
  int min_severity = 0;
  std::string path;     // file: the file; journald: its socket
  std::string address;  // syslog: a unix socket path, tcp://host:port or tls://host:port
  int facility = 10;    // syslog facility number; authpriv, as argv and paths may be private
  std::string tls_ca;   // tls: the CA file the collector's certificate must chain to
  std::string tls_cert;  // tls: optional client certificate and key
  std::string tls_key;
  std::string tls_name;  // tls: the name the certificate must carry; the address's host by default
  // Remote sinks only.
  std::uint32_t queue = 8192;
  WhenFull when_full = WhenFull::block;
  std::uint32_t block_ms = 50;
  std::uint32_t flush_ms = 2000;  // at exit, how long delivery of the queue may take
  std::string spool;              // directory; beside the log file when empty
  bool operator==(const SinkSettings&) const = default;

  // Whether this sink takes the record.
  bool accepts(const Record& record) const;
};

}  // namespace vigil
