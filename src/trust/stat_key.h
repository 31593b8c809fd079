// Stat keys: the (device, inode, ctime, size) a file had when its SHA-256
// was recorded, so vigil-python need not hash an unchanged file again.
// Why an unchanged key means unchanged bytes is argued in docs/trust.md
// ("Stat keys"); the argument holds only for what record_with_stat_key
// records and stat_key_matches accepts.
#pragma once

#include "file_bytes.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <sys/stat.h>

namespace vigil {

struct StatKey {
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  std::int64_t ctime_ns = 0;
  bool operator==(const StatKey&) const = default;
};

StatKey stat_key_of(const struct stat& status);

// `stat=DEVICE:INODE:CTIME_NS`, the optional last field of a trust line.
inline constexpr std::string_view kStatKeyPrefix = "stat=";
std::string format_stat_key(const StatKey& key);
std::optional<StatKey> parse_stat_key(std::string_view field);

// Filesystems whose ctime only the kernel sets and whose every kind of
// write, shared mappings included, moves it: ext2/3/4, XFS, Btrfs. FUSE,
// network filesystems, tmpfs (mapped writes leave its ctime alone) and
// overlays are hashed every time.
bool stat_keys_hold_on(int fd);

// Reads the whole file under a read lease, which the kernel grants only
// while nobody has the file open for writing, and sets `key` when it may
// vouch for the bytes read: the lease was held, nothing changed during the
// read, the filesystem keeps ctime, and the ctime is over a second older
// than the read. The caller ignores SIGIO: a writer opening the file
// during the read breaks the lease with it.
bool read_with_stat_key(int fd, FileBytes& bytes, std::optional<StatKey>& key) noexcept;

}  // namespace vigil
