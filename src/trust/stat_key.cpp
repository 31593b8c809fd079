#include "stat_key.h"

#include <cerrno>
#include <charconv>
#include <ctime>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/vfs.h>

namespace vigil {
namespace {

constexpr std::int64_t kNanosecondsPerSecond = 1'000'000'000;

std::int64_t nanoseconds(const timespec& time) { return time.tv_sec * kNanosecondsPerSecond + time.tv_nsec; }

template <typename Number>
bool take_number(std::string_view& text, Number& value, bool last) {
  auto [end, failure] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (failure != std::errc() || end == text.data()) return false;
  text.remove_prefix(static_cast<std::size_t>(end - text.data()));
  if (last) return text.empty();
  if (text.empty() || text.front() != ':') return false;
  text.remove_prefix(1);
  return true;
}

bool unchanged(const struct stat& before, const struct stat& after) {
  return stat_key_of(before) == stat_key_of(after) && before.st_size == after.st_size;
}

}  // namespace

StatKey stat_key_of(const struct stat& status) {
  return {static_cast<std::uint64_t>(status.st_dev), static_cast<std::uint64_t>(status.st_ino),
          nanoseconds(status.st_ctim)};
}

std::string format_stat_key(const StatKey& key) {
  return std::string(kStatKeyPrefix) + std::to_string(key.device) + ":" + std::to_string(key.inode) + ":" +
         std::to_string(key.ctime_ns);
}

std::optional<StatKey> parse_stat_key(std::string_view field) {
  if (!field.starts_with(kStatKeyPrefix)) return std::nullopt;
  field.remove_prefix(kStatKeyPrefix.size());
  StatKey key;
  if (!take_number(field, key.device, false) || !take_number(field, key.inode, false) ||
      !take_number(field, key.ctime_ns, true)) {
    return std::nullopt;
  }
  return key;
}

bool stat_keys_hold_on(int fd) {
  struct statfs filesystem {};
  if (fstatfs(fd, &filesystem) != 0) return false;
  switch (static_cast<unsigned long>(filesystem.f_type)) {
    case EXT4_SUPER_MAGIC:  // also ext2 and ext3
    case XFS_SUPER_MAGIC:
    case BTRFS_SUPER_MAGIC:
      return true;
    default:
      return false;
  }
}

bool read_with_stat_key(int fd, FileBytes& bytes, std::optional<StatKey>& key) noexcept {
  key.reset();
  timespec started {};
  clock_gettime(CLOCK_REALTIME, &started);
  struct stat before {};
  if (fstat(fd, &before) != 0) return false;
  bool leased = fcntl(fd, F_SETLEASE, F_RDLCK) == 0;
  bool complete = read_whole_file(fd, bytes);
  int read_errno = errno;
  struct stat after {};
  bool stated = fstat(fd, &after) == 0;
  if (leased) fcntl(fd, F_SETLEASE, F_UNLCK);
  errno = read_errno;
  if (!complete) return false;
  // A write after the read gets a ctime no earlier than `started` minus
  // one clock tick, so it can never equal a ctime this much older.
  bool settled = nanoseconds(after.st_ctim) < nanoseconds(started) - kNanosecondsPerSecond;
  if (leased && stated && unchanged(before, after) && static_cast<std::uint64_t>(after.st_size) == bytes.size &&
      settled && stat_keys_hold_on(fd)) {
    key = stat_key_of(after);
  }
  return true;
}

}  // namespace vigil
