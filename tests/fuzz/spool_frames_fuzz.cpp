// A remote sink's spool: octet-counted frames (RFC 6587) in a file beside
// the log, read back by whichever later process delivers them. The logged
// program can write that file as well as its log. Only whole frames are
// taken, and taking them again takes the same.
#include "fuzz_support.h"

#include "sinks/spool.h"

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vigil;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::size_t count = 0;
  std::string_view whole = whole_frames(bytes, count);
  if (whole.data() != bytes.data() || whole.size() > bytes.size()) fuzz::fail("not a prefix of the spool");

  // Walk the frames as a collector would read them.
  std::size_t frames = 0;
  for (std::string_view rest = whole; !rest.empty(); ++frames) {
    std::size_t length = 0;
    auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), length);
    std::size_t header = static_cast<std::size_t>(end - rest.data());
    if (error != std::errc{} || header == 0 || header >= rest.size() || rest[header] != ' ' ||
        length > rest.size() - header - 1) {
      fuzz::fail("a frame that is not whole", whole);
    }
    rest.remove_prefix(header + 1 + length);
  }
  std::size_t again = 0;
  if (frames != count || whole_frames(whole, again) != whole || again != count) {
    fuzz::fail("the frames taken do not read back", whole);
  }
  return 0;
}
