#include "hub/seq_set.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

namespace convoy::hub {
namespace {

TEST(SeqSetTest, InOrderInsertsKeepOneRange) {
  SeqSet set;
  for (uint64_t seq = 1; seq <= 1000; ++seq) ASSERT_TRUE(set.Insert(seq));
  EXPECT_EQ(set.watermark(), 1000u);
  EXPECT_EQ(set.range_count(), 1u);
  EXPECT_FALSE(set.Insert(500));
}

TEST(SeqSetTest, NewestFirstThenBacklogCloses) {
  SeqSet set;
  for (uint64_t seq = 1; seq <= 10; ++seq) set.Insert(seq);
  set.Insert(100);  // the newest fix after an outage
  EXPECT_EQ(set.watermark(), 10u);
  EXPECT_EQ(set.highest(), 100u);
  for (uint64_t seq = 11; seq < 100; ++seq) set.Insert(seq);
  EXPECT_EQ(set.watermark(), 100u);
  EXPECT_EQ(set.range_count(), 1u);
}

TEST(SeqSetTest, EraseSplitsRanges) {
  SeqSet set;
  for (uint64_t seq = 1; seq <= 10; ++seq) set.Insert(seq);
  EXPECT_TRUE(set.Erase(5));
  EXPECT_FALSE(set.Erase(5));
  EXPECT_EQ(set.watermark(), 4u);
  EXPECT_EQ(set.range_count(), 2u);
  EXPECT_TRUE(set.Insert(5));
  EXPECT_EQ(set.watermark(), 10u);
}

TEST(SeqSetTest, MatchesAReferenceSetUnderRandomOperations) {
  std::mt19937 random(3);
  SeqSet set;
  std::set<uint64_t> reference;
  for (int i = 0; i < 20000; ++i) {
    const uint64_t seq = 1 + random() % 300;
    if (random() % 3 == 0) {
      ASSERT_EQ(set.Erase(seq), reference.erase(seq) == 1);
    } else {
      ASSERT_EQ(set.Insert(seq), reference.insert(seq).second);
    }
    uint64_t watermark = 0;
    while (reference.count(watermark + 1)) ++watermark;
    ASSERT_EQ(set.watermark(), watermark);
    ASSERT_EQ(set.highest(), reference.empty() ? 0 : *reference.rbegin());
    ASSERT_EQ(set.Contains(seq), reference.count(seq) == 1);
  }
}

}  // namespace
}  // namespace convoy::hub
