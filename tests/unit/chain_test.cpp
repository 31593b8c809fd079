// The hash chain: its hashes, and `vigil log verify` on runs chained with
// each (BLAKE2b-256, and SHA-256 as logs written before `chain_hash` are).
#include "chain_hash.h"
#include "log_verify_command.h"
#include "scratch_path.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

namespace vigil {
namespace {

std::string hex(ChainHash hash, std::string_view line) {
  char out[64];
  chain_hash_hex(hash, line, out);
  return {out, sizeof out};
}

TEST(ChainHash, HashesAsTheirStandardsSay) {
  // RFC 7693's BLAKE2b with a 32-byte digest (Python's
  // hashlib.blake2b(digest_size=32)), and FIPS 180-4's SHA-256.
  EXPECT_EQ(hex(ChainHash::blake2b_256, ""), "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
  EXPECT_EQ(hex(ChainHash::blake2b_256, "abc"), "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
  EXPECT_EQ(hex(ChainHash::sha256, "abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // Past one block of each (BLAKE2b's 128 bytes, SHA-256's 64).
  EXPECT_EQ(hex(ChainHash::blake2b_256, std::string(1000, 'a')),
            "e00b0ddbf1e2cdaf5c898e1a5e8826ea3a2c339bcf2a478da2e5fca9ff126672");
}

TEST(ChainHash, NamesReadBackAsTheirHash) {
  for (ChainHash hash : {ChainHash::sha256, ChainHash::blake2b_256}) {
    EXPECT_EQ(chain_hash_named(chain_hash_name(hash)), hash);
  }
  EXPECT_EQ(chain_hash_name(kChainHash), "blake2b-256");
  EXPECT_FALSE(chain_hash_named("md5"));
  EXPECT_FALSE(chain_hash_named(""));
}

// A run of one process as vigil-python writes it, chained with `hash`;
// `names_hash`: its start says so (SHA-256 runs from before `chain_hash`
// name nothing).
std::vector<std::string> chained_run(ChainHash hash, bool names_hash, int events = 4) {
  std::vector<std::string> lines;
  auto add = [&](const std::string& kind, int seq, const std::string& members) {
    std::string line = R"({"ts":"2026-11-26T14:00:00.000000Z","seq":)" + std::to_string(seq) + R"(,"kind":")" + kind +
                       R"(","pid":4242,"host":"h")" + members;
    if (!lines.empty()) line += R"(,"prev":")" + hex(hash, lines.back()) + '"';
    lines.push_back(line + '}');
  };
  add("start", 1,
      R"(,"chain":true)" + (names_hash ? R"(,"chain_hash":")" + std::string(chain_hash_name(hash)) + '"' : ""));
  for (int i = 0; i < events; ++i) add("event", i + 2, R"(,"event":"open","args":{"path":"/tmp/)" + std::to_string(i) + R"("})");
  add("stop", events + 2, R"(,"status":0)");
  return lines;
}

struct Verified {
  int status;
  std::string output;
};

Verified verify(const std::vector<std::string>& lines) {
  ScratchPath path("chain-test.jsonl");
  {
    std::ofstream out(path.c_str(), std::ios::binary);
    for (const std::string& line : lines) out << line << '\n';
  }
  testing::internal::CaptureStdout();
  int status = log_verify_command({{std::string(path)}, ""});
  return {status, testing::internal::GetCapturedStdout()};
}

class ChainVerify : public testing::TestWithParam<std::pair<ChainHash, bool>> {
 protected:
  std::vector<std::string> run() const { return chained_run(GetParam().first, GetParam().second); }
  std::string title() const { return std::string(chain_hash_title(GetParam().first)); }
};

TEST_P(ChainVerify, AWholeRunVerifies) {
  Verified result = verify(run());
  EXPECT_EQ(result.status, 0) << result.output;
  EXPECT_NE(result.output.find("6 records from 1 process runs; 0 problems"), std::string::npos) << result.output;
}

TEST_P(ChainVerify, AnEditedRecordBreaksTheNextLink) {
  std::vector<std::string> lines = run();
  lines[2].replace(lines[2].find("/tmp/1"), 6, "/tmp/9");
  Verified result = verify(lines);
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.output.find("seq 4: `prev` is not the " + title() + " of seq 3's line"), std::string::npos)
      << result.output;
}

TEST_P(ChainVerify, ARemovedRecordIsAGap) {
  std::vector<std::string> lines = run();
  lines.erase(lines.begin() + 2);
  Verified result = verify(lines);
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.output.find("seq 4: seq 3 is missing before it"), std::string::npos) << result.output;
}

TEST_P(ChainVerify, ReorderedRecordsAreFound) {
  std::vector<std::string> lines = run();
  std::swap(lines[2], lines[3]);
  Verified result = verify(lines);
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.output.find("seq 3: out of order"), std::string::npos) << result.output;
}

TEST_P(ChainVerify, AnInsertedRecordIsFound) {
  // A forged record that continues the chain where it is put: the record
  // it displaces no longer links, and its number is taken.
  std::vector<std::string> lines = run();
  std::string forged = R"({"ts":"2026-11-26T14:00:00.000000Z","seq":3,"kind":"alert","pid":4242,"host":"h","rule":"x",)"
                       R"("prev":")" + hex(GetParam().first, lines[1]) + R"("})";
  lines.insert(lines.begin() + 2, forged);
  Verified result = verify(lines);
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.output.find("seq 3: out of order"), std::string::npos) << result.output;
}

TEST_P(ChainVerify, ARecordRewrittenWithoutPrevIsFound) {
  std::vector<std::string> lines = run();
  lines[3].erase(lines[3].find(R"(,"prev":")"), 9 + 64 + 1);
  Verified result = verify(lines);
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.output.find("seq 4: no `prev` in a chained log"), std::string::npos) << result.output;
}

TEST_P(ChainVerify, ARunWithoutItsStartIsCheckedByTheHashItsLinksShow) {
  std::vector<std::string> lines = run();
  lines.erase(lines.begin(), lines.begin() + 2);
  Verified whole = verify(lines);
  EXPECT_EQ(whole.status, 1);
  EXPECT_NE(whole.output.find("its records begin at seq 3, without their start"), std::string::npos) << whole.output;
  EXPECT_EQ(whole.output.find("`prev`"), std::string::npos) << whole.output;
  lines[2].replace(lines[2].find("/tmp/3"), 6, "/tmp/9");
  Verified edited = verify(lines);
  EXPECT_NE(edited.output.find("seq 6: `prev` is not the " + title() + " of seq 5's line"), std::string::npos)
      << edited.output;
}

INSTANTIATE_TEST_SUITE_P(Hashes, ChainVerify,
                         testing::Values(std::pair{ChainHash::blake2b_256, true}, std::pair{ChainHash::sha256, true},
                                         std::pair{ChainHash::sha256, false}),
                         [](const auto& info) {
                           return std::string(info.param.first == ChainHash::sha256 ? "Sha256" : "Blake2b256") +
                                  (info.param.second ? "Named" : "FromBeforeChainHash");
                         });

TEST(ChainVerify, AStartWithoutChainHashIsReadAsSha256) {
  // A BLAKE2b-256 run whose start does not say so: every link breaks.
  Verified result = verify(chained_run(ChainHash::blake2b_256, false));
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.output.find("seq 2: `prev` is not the SHA-256 of seq 1's line"), std::string::npos)
      << result.output;
}

TEST(ChainVerify, AStartNamingAnUnknownHashIsReported) {
  std::vector<std::string> lines = chained_run(ChainHash::blake2b_256, true);
  lines[0].replace(lines[0].find("blake2b-256"), 11, "md5");
  Verified result = verify(lines);
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.output.find("`chain_hash` names a hash this vigil does not know (md5)"), std::string::npos)
      << result.output;
}

}  // namespace
}  // namespace vigil
