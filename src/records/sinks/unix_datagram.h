// A datagram socket to a local daemon's unix socket (journald, /dev/log),
// held on a high descriptor. Each send is one whole datagram: the daemon
// has the record or the call fails, so these sinks are durable per record.
#pragma once

#include <string>
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>

namespace vigil {

class UnixDatagram {
 public:
  // `timeout_ms`: the longest a send waits for room in the daemon's queue.
  UnixDatagram(std::string path, unsigned timeout_ms);
  ~UnixDatagram();
  UnixDatagram(const UnixDatagram&) = delete;
  UnixDatagram& operator=(const UnixDatagram&) = delete;

  // 0, or the errno of the failure. Connects when not connected, and
  // connects again once when the daemon restarted (ECONNREFUSED) or the
  // descriptor was closed or replaced under it (`interference` says so).
  int send(const iovec* parts, std::size_t count, std::string& interference);
  // Sends a descriptor (journald reads a sealed memfd for records too
  // large for one datagram).
  int send_descriptor(int fd, std::string& interference);
  const std::string& path() const { return path_; }

 private:
  int send_message(const msghdr& message, std::string& interference);
  int connect_socket();
  void close_socket();

  std::string path_;
  unsigned timeout_ms_;
  int fd_ = -1;
  dev_t device_ = 0;
  ino_t inode_ = 0;
};

}  // namespace vigil
