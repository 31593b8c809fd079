#include "sinks/unix_datagram.h"

#include "file_io.h"

#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <utility>

namespace vigil {

UnixDatagram::UnixDatagram(std::string path, unsigned timeout_ms) : path_(std::move(path)), timeout_ms_(timeout_ms) {}

UnixDatagram::~UnixDatagram() { close_socket(); }

void UnixDatagram::close_socket() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

int UnixDatagram::connect_socket() {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path_.size() >= sizeof address.sun_path) return ENAMETOOLONG;
  std::memcpy(address.sun_path, path_.data(), path_.size());
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno;
  fd = move_above_stdio(fd);
  if (fd < 0) return errno;
  set_socket_timeout(fd, SO_SNDTIMEO, timeout_ms_);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    int error = errno;
    close(fd);
    return error;
  }
  struct stat status {};
  fstat(fd, &status);
  device_ = status.st_dev;
  inode_ = status.st_ino;
  fd_ = fd;
  return 0;
}

int UnixDatagram::send_message(const msghdr& message, std::string& interference) {
  if (fd_ >= 0) {
    struct stat status {};
    bool open = fstat(fd_, &status) == 0;
    if (!open || status.st_dev != device_ || status.st_ino != inode_) {
      interference = "the descriptor " + std::to_string(fd_) + " of the socket to " + path_ + " " +
                     (open ? "was replaced by another file (dup2)" : "was closed") + "; it is connected again";
      // A replaced number belongs to whoever put a file there.
      fd_ = -1;
    }
  }
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (fd_ < 0) {
      if (int error = connect_socket(); error != 0) return error;
    }
    ssize_t sent = retry_interrupted([&] { return sendmsg(fd_, &message, MSG_NOSIGNAL); });
    if (sent >= 0) return 0;
    int error = errno;
    // The daemon restarted and its socket is a new one: connect again.
    if (error != ECONNREFUSED && error != ENOTCONN && error != EBADF) return error;
    close_socket();
  }
  return ECONNREFUSED;
}

int UnixDatagram::send(const iovec* parts, std::size_t count, std::string& interference) {
  msghdr message{};
  message.msg_iov = const_cast<iovec*>(parts);
  message.msg_iovlen = count;
  return send_message(message, interference);
}

int UnixDatagram::send_descriptor(int fd, std::string& interference) {
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr message{};
  message.msg_control = control;
  message.msg_controllen = sizeof control;
  cmsghdr* header = CMSG_FIRSTHDR(&message);
  header->cmsg_level = SOL_SOCKET;
  header->cmsg_type = SCM_RIGHTS;
  header->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(header), &fd, sizeof fd);
  return send_message(message, interference);
}

}  // namespace vigil
