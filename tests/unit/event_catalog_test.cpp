#include "event_catalog.h"

#include <gtest/gtest.h>

namespace vigil {
namespace {

TEST(EventCatalog, NamesTheArgumentsOfCatalogedEvents) {
  const EventSignature* open = find_event_signature("open");
  ASSERT_NE(open, nullptr);
  EXPECT_EQ(open->fields, (std::vector<std::string_view>{"path", "mode", "flags"}));
  const EventSignature* import = find_event_signature("import");
  ASSERT_NE(import, nullptr);
  EXPECT_EQ(import->fields.size(), 5u);
  EXPECT_EQ(import->fields[2], "sys_path");
}

TEST(EventCatalog, EventsWithoutArgumentsHaveNoFields) {
  const EventSignature* fork = find_event_signature("os.fork");
  ASSERT_NE(fork, nullptr);
  EXPECT_TRUE(fork->fields.empty());
}

TEST(EventCatalog, UsesTheNamesCPythonReallyRaises) {
  EXPECT_NE(find_event_signature("sys.set_asyncgen_hook_firstiter"), nullptr);
  EXPECT_EQ(find_event_signature("no.such.event"), nullptr);
  EXPECT_GE(event_catalog().size(), 148u);
}

}  // namespace
}  // namespace vigil
