// The JSON reader under the phones' JSON form: strict RFC 8259, bounded, errors as values.
#include "proto/json.h"

#include <gtest/gtest.h>

#include <string>

namespace convoy::proto {
namespace {

TEST(JsonTest, ParsesTheAppsObject) {
  auto value = ParseJson(
      R"({"location":{"timestamp":"2025-06-15T13:45:12.862Z","coords":{"latitude":37.4219983,)"
      R"("longitude":-122.084,"heading":-1},"extras":{"n":12,"b":true,"s":"x"}},"device_id":"7"})");
  ASSERT_TRUE(value.ok()) << value.message();
  const JsonValue* location = value->Find("location");
  ASSERT_NE(location, nullptr);
  const JsonValue* coords = location->Find("coords");
  ASSERT_NE(coords, nullptr);
  EXPECT_DOUBLE_EQ(coords->Find("latitude")->number, 37.4219983);
  EXPECT_DOUBLE_EQ(coords->Find("heading")->number, -1);
  EXPECT_EQ(location->Find("extras")->Find("n")->text, "12");  // integers keep their text
  EXPECT_TRUE(location->Find("extras")->Find("b")->boolean);
  EXPECT_EQ(value->Find("device_id")->text, "7");
  EXPECT_EQ(value->Find("missing"), nullptr);
}

TEST(JsonTest, DuplicateKeyFindsTheLast) {
  auto value = ParseJson(R"({"a":1,"a":2})");
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(value->Find("a")->number, 2);
}

TEST(JsonTest, EscapesAndSurrogatePairsDecode) {
  auto value = ParseJson(R"(["a\"b\\c\/\n\t", "\u00e9\u20ac", "\ud83d\ude97"])");
  ASSERT_TRUE(value.ok()) << value.message();
  EXPECT_EQ(value->items[0].text, "a\"b\\c/\n\t");
  EXPECT_EQ(value->items[1].text, "\xC3\xA9\xE2\x82\xAC");
  EXPECT_EQ(value->items[2].text, "\xF0\x9F\x9A\x97");  // a car
}

TEST(JsonTest, NumbersFollowTheGrammar) {
  for (const char* good : {"0", "-0", "12", "-1.5", "1e3", "1.25E-2", "2e+2"}) {
    EXPECT_TRUE(ParseJson(good).ok()) << good;
  }
  for (const char* bad : {"01", "+1", ".5", "1.", "1e", "-", "0x10", "NaN", "Infinity", "1e999"}) {
    EXPECT_FALSE(ParseJson(bad).ok()) << bad;
  }
}

TEST(JsonTest, MalformedDocumentsAreErrorsThatSayWhere) {
  const char* cases[] = {"",          "{",           "{\"a\"}",     "{\"a\":}", "{\"a\":1,}",
                         "[1,]",      "[1 2]",       "{a:1}",       "'x'",      "tru",
                         "nul",       "\"open",      "{} {}",       "\"\t\"",   "\"\\x\"",
                         "\"\\u12\"", "\"\\ud83d\"", "\"\\ude97\"", "// c\n{}", "[1]]"};
  for (const char* text : cases) {
    auto value = ParseJson(text);
    ASSERT_FALSE(value.ok()) << text;
    EXPECT_EQ(value.message().rfind("JSON byte ", 0), 0u) << value.message();
  }
  EXPECT_EQ(ParseJson("{\"a\" 1}").message(), "JSON byte 5: expected ':'");
}

TEST(JsonTest, InvalidUtf8InAStringIsRefused) {
  for (std::string bad : {std::string("\"\xC3\""), std::string("\"\xC0\xAF\""),  // cut, overlong
                          std::string("\"\xED\xA0\x80\""),                       // a surrogate
                          std::string("\"\xF4\x90\x80\x80\""),                   // past U+10FFFF
                          std::string("\"\xFF\"")}) {
    EXPECT_FALSE(ParseJson(bad).ok());
  }
}

TEST(JsonTest, DeepNestingIsRefusedWithoutExhaustingTheStack) {
  std::string deep(100000, '[');
  auto value = ParseJson(deep);
  ASSERT_FALSE(value.ok());
  EXPECT_NE(value.message().find("nested too deeply"), std::string::npos);
  std::string ok = std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']');
  EXPECT_TRUE(ParseJson(ok).ok());
  std::string over = "[" + ok + "]";
  EXPECT_FALSE(ParseJson(over).ok());
}

}  // namespace
}  // namespace convoy::proto
