#include "sinks/spool.h"

#include "file_io.h"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace vigil {
namespace {

constexpr std::string_view kSuffix = ".spool";

}  // namespace

std::string_view whole_frames(std::string_view bytes, std::size_t& count) {
  std::size_t end = 0;
  count = 0;
  while (end < bytes.size()) {
    std::size_t length = 0;
    auto [digits_end, error] = std::from_chars(bytes.data() + end, bytes.data() + bytes.size(), length);
    std::size_t header = static_cast<std::size_t>(digits_end - (bytes.data() + end));
    if (error != std::errc{} || header == 0 || end + header >= bytes.size() || bytes[end + header] != ' ' ||
        length > bytes.size() - end - header - 1) {
      break;
    }
    end += header + 1 + length;
    ++count;
  }
  return bytes.substr(0, end);
}

Spool::~Spool() {
  if (fd_ >= 0) close(fd_);
}

bool Spool::open_file(std::string& error) {
  if (!make_directories(directory_, 0700)) {
    error = "cannot create the spool " + directory_ + ": " + std::strerror(errno);
    return false;
  }
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  path_ = directory_ + "/" + std::to_string(getpid()) + "-" + std::to_string(now.tv_sec) + "." +
          std::to_string(now.tv_nsec) + std::string(kSuffix);
  // Locked under a name other processes ignore, then renamed: nobody can
  // take a spool for an orphan between its creation and its lock.
  std::string creating = path_ + ".new";
  int fd = open(creating.c_str(), O_RDWR | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd >= 0) fd = move_above_stdio(fd);
  if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) != 0 || rename(creating.c_str(), path_.c_str()) != 0) {
    error = "cannot create the spool file " + path_ + ": " + std::strerror(errno);
    if (fd >= 0) close(fd);
    unlink(creating.c_str());
    return false;
  }
  fd_ = fd;
  return true;
}

bool Spool::append(std::string_view frames, std::string& error) {
  if (fd_ < 0 && !open_file(error)) return false;
  FileSizeSignalBlock file_size_signal;
  if (write_all(fd_, frames)) return true;
  if (errno == EFBIG) file_size_signal.take_back();
  error = "cannot write the spool file " + path_ + ": " + std::strerror(errno);
  return false;
}

std::string Spool::peek() {
  if (fd_ < 0) return {};
  std::string bytes = read_all(fd_);
  std::size_t count = 0;
  bytes.resize(whole_frames(bytes, count).size());
  return bytes;
}

void Spool::consume(std::size_t size) {
  if (fd_ < 0 || size == 0) return;
  std::string rest = read_all(fd_).substr(size);
  if (ftruncate(fd_, 0) != 0) return;
  write_all(fd_, rest);
}

std::size_t Spool::deliver_orphans(const std::function<bool(std::string_view)>& deliver) {
  DIR* directory = opendir(directory_.c_str());
  if (directory == nullptr) return 0;
  std::size_t delivered = 0;
  while (dirent* entry = readdir(directory)) {
    std::string name = entry->d_name;
    if (!name.ends_with(kSuffix)) continue;
    std::string path = directory_ + "/" + name;
    if (path == path_) continue;
    // Only a file is read: a FIFO planted under a spool's name would block
    // the read for ever (O_NONBLOCK keeps the open from waiting too).
    int fd = open(path.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) continue;
    struct stat status {};
    if (fstat(fd, &status) != 0 || !S_ISREG(status.st_mode)) {
      close(fd);
      continue;
    }
    // Locked: its process is alive and delivers it itself.
    if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
      std::string bytes = read_all(fd);
      std::size_t count = 0;
      std::string_view frames = whole_frames(bytes, count);
      if (frames.empty() || deliver(frames)) {
        unlink(path.c_str());
        delivered += count;
      }
    }
    close(fd);
  }
  closedir(directory);
  return delivered;
}

void Spool::remove_if_empty() {
  struct stat status {};
  if (fd_ < 0 || fstat(fd_, &status) != 0 || status.st_size != 0) return;
  unlink(path_.c_str());
  close(fd_);
  fd_ = -1;
}

void Spool::abandon() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  path_.clear();
}

}  // namespace vigil
