// The one UTF-8 decoder every text reader and writer uses: what it accepts, and the code points.
#include "proto/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace convoy::proto {
namespace {

TEST(Utf8Test, DecodesEveryLengthToItsCodePoint) {
  uint32_t code = 0;
  EXPECT_EQ(Utf8Sequence("A", 0, &code), 1u);
  EXPECT_EQ(code, 0x41u);
  EXPECT_EQ(Utf8Sequence("\xC3\x9F", 0, &code), 2u);  // ß
  EXPECT_EQ(code, 0xDFu);
  EXPECT_EQ(Utf8Sequence("\xE2\x82\xAC", 0, &code), 3u);  // €
  EXPECT_EQ(code, 0x20ACu);
  EXPECT_EQ(Utf8Sequence("\xF0\x9F\x9A\x97", 0, &code), 4u);  // a car
  EXPECT_EQ(code, 0x1F697u);
  EXPECT_EQ(Utf8Sequence("x\xC3\x9F", 1), 2u);
}

TEST(Utf8Test, RefusesOverlongSurrogatesTooLargeAndCutSequences) {
  for (const std::string bad :
       {"\x80", "\xBF", "\xC0\x80", "\xC1\xBF", "\xE0\x80\x80", "\xED\xA0\x80", "\xF0\x80\x80\x80",
        "\xF4\x90\x80\x80", "\xF8\x88\x80\x80\x80", "\xE2\x82", "\xC3", "\xE2\x28\xA1"}) {
    EXPECT_EQ(Utf8Sequence(bad, 0), 0u) << testing::PrintToString(bad);
    EXPECT_FALSE(IsValidUtf8(bad)) << testing::PrintToString(bad);
  }
}

TEST(Utf8Test, ValidatesWholeTexts) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("Gro\xC3\x9F \xE2\x82\xAC \xF0\x9F\x9A\x97 \xF4\x8F\xBF\xBF"));
  EXPECT_FALSE(IsValidUtf8("ok then \xFF"));
  EXPECT_FALSE(IsValidUtf8("cut at the end \xF0\x9F\x9A"));
}

}  // namespace
}  // namespace convoy::proto
