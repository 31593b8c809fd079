// A TCP or TLS connection to a remote collector, used only from a remote
// sink's delivery thread: connecting and sending may block there, never in
// the interpreter.
#pragma once

#include "sinks/sink_settings.h"

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace vigil {

struct StreamAddress {
  bool tls = false;
  std::string host;
  std::string port;
};

// tcp://host:port or tls://host:port; a numeric IPv6 host in brackets.
std::optional<StreamAddress> parse_stream_address(std::string_view text);

class StreamConnection {
 public:
  StreamConnection(StreamAddress address, const SinkSettings& settings);
  ~StreamConnection();
  StreamConnection(const StreamConnection&) = delete;
  StreamConnection& operator=(const StreamConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  // Resolves, connects and (for TLS) verifies the collector's certificate
  // against tls_ca and tls_name. Each step is bounded by `timeout_ms`.
  bool connect(unsigned timeout_ms, std::string& error);
  // Sends all of `bytes`, each write bounded by `timeout_ms`; false (and
  // the connection closed) otherwise.
  bool send_all(std::string_view bytes, unsigned timeout_ms, std::string& error);
  // Whether the collector has closed its end or the connection broke.
  // What a collector sends (TLS session tickets) is read and ignored.
  bool peer_closed();
  void close();
  // In a forked child: the connection is the parent's. Its descriptor is
  // closed without a TLS close_notify, which would end the parent's session.
  void abandon();

 private:
  struct Tls;
  StreamAddress address_;
  const SinkSettings& settings_;
  int fd_ = -1;
  std::unique_ptr<Tls> tls_;
};

}  // namespace vigil
