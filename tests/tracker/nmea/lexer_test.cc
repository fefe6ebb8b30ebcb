// The lexer on crafted streams: each way a receiver's bytes go wrong is rejected whole and
// counted under its reason, and the next good sentence still gets through.
#include "tracker/nmea/lexer.h"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "tracker/nmea/sentence.h"

namespace convoy::tracker::nmea {
namespace {

// Checksummed "$<body>*hh\r\n".
std::string Nmea(const std::string& body) {
  uint8_t sum = 0;
  for (char c : body) sum ^= static_cast<uint8_t>(c);
  char hex[3];
  std::snprintf(hex, sizeof hex, "%02X", sum);
  return "$" + body + "*" + hex + "\r\n";
}

const std::string kRmc = "GPRMC,225446.33,A,4916.45,N,12311.12,W,000.5,054.7,191194,020.3,E,A";
const std::string kGga = "GPGGA,123519,4807.038,N,01131.324,E,1,08,0.9,545.4,M,46.9,M,,";

struct Lexed {
  std::vector<std::string> sentences;
  LexerStats stats;
};

Lexed Lex(const std::string& bytes, size_t chunk = 0, bool finish = true) {
  Lexer lexer;
  Lexed out;
  auto keep = [&](std::string_view s) { out.sentences.emplace_back(s); };
  if (chunk == 0) chunk = bytes.size() + 1;
  for (size_t at = 0; at < bytes.size(); at += chunk) lexer.Feed(bytes.substr(at, chunk), keep);
  if (finish) lexer.Finish();
  out.stats = lexer.stats();
  return out;
}

std::string Strip(const std::string& framed) { return framed.substr(0, framed.size() - 2); }

TEST(LexerTest, AcceptsWellFormedSentences) {
  const Lexed l = Lex(Nmea(kRmc) + Nmea(kGga));
  EXPECT_EQ(l.sentences, (std::vector<std::string>{Strip(Nmea(kRmc)), Strip(Nmea(kGga))}));
  EXPECT_EQ(l.stats.accepted, 2u);
  EXPECT_EQ(l.stats.rejected_total(), 0u);
}

TEST(LexerTest, OneByteChunksGiveTheSameSentences) {
  const std::string stream = "garbage" + Nmea(kRmc) + "\x01\x02" + Nmea(kGga);
  EXPECT_EQ(Lex(stream, 1).sentences, Lex(stream).sentences);
  EXPECT_EQ(Lex(stream, 1).sentences.size(), 2u);
}

TEST(LexerTest, LowerCaseHexAndBareLineFeedsAreAccepted) {
  const std::string s = Nmea("GPGSA,A,3,19,28,14,18,27,22,31,39,,,,,1.7,1.0,1.3");
  std::string lower = Nmea("GPZDA,160012.71,11,03,2004,-1,00");  // *7D
  lower[lower.size() - 3] = static_cast<char>(std::tolower(lower[lower.size() - 3]));
  lower.erase(lower.size() - 2, 1);  // "\r\n" -> "\n"
  const Lexed l = Lex(s + lower);
  EXPECT_EQ(l.stats.accepted, 2u);
}

TEST(LexerTest, SentenceWithoutChecksumIsRejected) {
  const Lexed l = Lex("$GPTXT,TELIT SW Version: SL869 v3.1.2.1\r\n" + Nmea(kGga));
  EXPECT_EQ(l.sentences, std::vector<std::string>{Strip(Nmea(kGga))});
  EXPECT_EQ(l.stats.rejected_for(Reject::kNoChecksum), 1u);
}

TEST(LexerTest, ChecksumMismatchIsRejected) {
  std::string bad = Nmea(kGga);
  bad[bad.size() - 3] = bad[bad.size() - 3] == '0' ? '1' : '0';
  const Lexed l = Lex(bad + Nmea(kRmc));
  EXPECT_EQ(l.sentences, std::vector<std::string>{Strip(Nmea(kRmc))});
  EXPECT_EQ(l.stats.rejected_for(Reject::kBadChecksum), 1u);
}

TEST(LexerTest, NonHexChecksumIsRejected) {
  const Lexed l = Lex("$GPGGA,1*ZZ\r\n");
  EXPECT_EQ(l.stats.rejected_for(Reject::kBadChecksum), 1u);
  EXPECT_EQ(l.stats.accepted, 0u);
}

TEST(LexerTest, TextAfterTheChecksumIsRejected) {
  std::string s = Nmea(kGga);
  s.insert(s.size() - 2, "7");
  EXPECT_EQ(Lex(s).stats.rejected_for(Reject::kBadChecksum), 1u);
}

TEST(LexerTest, LineEndingInsideTheChecksumIsCutShort) {
  std::string s = Nmea(kGga);
  s.erase(s.size() - 3, 1);  // "*4" then CR LF
  const Lexed l = Lex(s);
  EXPECT_EQ(l.stats.rejected_for(Reject::kCutShort), 1u);
}

TEST(LexerTest, TruncatedTrailingSentenceIsCutShortAtEndOfStream) {
  const std::string s = Nmea(kRmc) + "$GNRMC,001053.00,A,4404.14083,N,12118.85886,W,0.";
  const Lexed open = Lex(s, 0, /*finish=*/false);
  EXPECT_EQ(open.stats.rejected_total(), 0u);  // might still arrive
  const Lexed l = Lex(s);
  EXPECT_EQ(l.sentences.size(), 1u);
  EXPECT_EQ(l.stats.rejected_for(Reject::kCutShort), 1u);
}

TEST(LexerTest, MergedSentencesLoseTheInterruptedOne) {
  // A receiver dropped the tail of the GGA; the RMC that follows is intact.
  const std::string s = "$GPGGA,123519,4807.038,N,011" + Nmea(kRmc);
  const Lexed l = Lex(s);
  EXPECT_EQ(l.sentences, std::vector<std::string>{Strip(Nmea(kRmc))});
  EXPECT_EQ(l.stats.rejected_for(Reject::kMerged), 1u);
}

TEST(LexerTest, BinaryBytesInsideASentenceRejectIt) {
  // et-332.log: terminal escape codes inside a GSA.
  const std::string s = "$GPGSA,A,3,26,15,21,27,24,09,18,05,29,,,,1.9,1.3,1.4*3\x1b[H\x1b[J3\r\n";
  const Lexed l = Lex(s + Nmea(kGga));
  EXPECT_EQ(l.sentences, std::vector<std::string>{Strip(Nmea(kGga))});
  EXPECT_EQ(l.stats.rejected_for(Reject::kBinary), 1u);
}

TEST(LexerTest, BinaryProtocolBetweenSentencesIsNoise) {
  // A UBX frame (0xB5 0x62 ...) between two NMEA sentences; it happens to contain a '$'.
  const std::string ubx("\xb5\x62\x01\x07\x5c\x00\x00\x24\x0d\x0a\x01", 11);
  const Lexed l = Lex(Nmea(kRmc) + ubx + Nmea(kGga));
  EXPECT_EQ(l.stats.accepted, 2u);
  EXPECT_EQ(l.stats.rejected_total(), 0u);
  EXPECT_GE(l.stats.noise_bytes, ubx.size());
}

TEST(LexerTest, DollarRunsAreNoiseNotSentences) {
  const Lexed l = Lex("$$$" + Nmea(kRmc) + "$\x01");
  EXPECT_EQ(l.stats.accepted, 1u);
  EXPECT_EQ(l.stats.rejected_total(), 0u);
}

TEST(LexerTest, OverlongSentenceIsRejected) {
  const std::string body = "GPTXT," + std::string(120, 'A');
  const Lexed l = Lex(Nmea(body) + Nmea(kGga));
  EXPECT_EQ(l.stats.rejected_for(Reject::kTooLong), 1u);
  EXPECT_EQ(l.sentences, std::vector<std::string>{Strip(Nmea(kGga))});
}

TEST(LexerTest, MalformedAddressIsRejected) {
  const Lexed l = Lex(Nmea(",1,2") + Nmea("gprmc,1") + Nmea("G,1") + Nmea("PSTI,030"));
  EXPECT_EQ(l.stats.rejected_for(Reject::kBadAddress), 3u);
  EXPECT_EQ(l.stats.accepted, 1u);  // proprietary $PSTI is well formed
}

TEST(LexerTest, RejectReasonNamesAreDistinct) {
  std::set<std::string> names;
  for (size_t i = 0; i < kRejectKinds; ++i) names.insert(RejectName(static_cast<Reject>(i)));
  EXPECT_EQ(names.size(), kRejectKinds);
}

TEST(SentenceTest, FieldsAreNumberedAsInGpsd) {
  const std::string text = Strip(Nmea(kRmc));
  const Sentence s(text);
  EXPECT_EQ(s.address(), "GPRMC");
  EXPECT_EQ(s.talker(), "GP");
  EXPECT_EQ(s.type(), "RMC");
  EXPECT_EQ(s.count(), 13);
  EXPECT_EQ(s.field(1), "225446.33");
  EXPECT_EQ(s.field(12), "A");
  EXPECT_EQ(s.field(13), "");  // past the end reads as empty
  const std::string proprietary = Strip(Nmea("PSTI,030,1"));
  EXPECT_EQ(Sentence(proprietary).type(), "PSTI");
  EXPECT_EQ(Sentence(proprietary).talker(), "");
}

TEST(SentenceTest, FieldParsersRejectMalformedFields) {
  EXPECT_EQ(ParseTimeOfDay("225446.33"), 82'486'330);
  EXPECT_EQ(ParseTimeOfDay("000231.099"), 151'099);
  EXPECT_EQ(ParseTimeOfDay("120316"), 43'396'000);
  EXPECT_FALSE(ParseTimeOfDay("246000"));
  EXPECT_FALSE(ParseTimeOfDay("1200"));
  EXPECT_FALSE(ParseTimeOfDay("120316.x"));
  EXPECT_EQ(ParseDdmmyy("191194"), (CivilDate{1994, 11, 19}));
  EXPECT_EQ(ParseDdmmyy("220899"), (CivilDate{1999, 8, 22}));
  EXPECT_EQ(ParseDdmmyy("100117"), (CivilDate{2017, 1, 10}));
  EXPECT_FALSE(ParseDdmmyy("2208-1"));  // Telit after the 2019 rollover
  EXPECT_FALSE(ParseDdmmyy("321394"));
  EXPECT_DOUBLE_EQ(*ParseAngle("4916.45", "N", 90), 49 + 16.45 / 60);
  EXPECT_DOUBLE_EQ(*ParseAngle("12311.12", "W", 180), -(123 + 11.12 / 60));
  EXPECT_FALSE(ParseAngle("4960.00", "N", 90));  // 60 minutes
  EXPECT_FALSE(ParseAngle("4916.45", "E", 90));  // a longitude hemisphere on a latitude
  EXPECT_FALSE(ParseAngle("4916", "N", 90));
  EXPECT_FALSE(ParseAngle("9100.00", "N", 90));
  EXPECT_DOUBLE_EQ(*ParseDecimal("-016.5"), -16.5);
  EXPECT_FALSE(ParseDecimal("1.2.3"));
  EXPECT_FALSE(ParseDecimal(""));
  EXPECT_EQ(DaysFromCivil({1970, 1, 1}), 0);
  EXPECT_EQ(DaysFromCivil({2000, 3, 1}), 11017);
}

}  // namespace
}  // namespace convoy::tracker::nmea
