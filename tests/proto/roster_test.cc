#include "proto/roster.h"

#include <gtest/gtest.h>

#include "proto/csv.h"

namespace convoy::proto {
namespace {

TEST(CsvTest, HandlesQuotesCrlfBomAndSemicolons) {
  auto rows = ParseCsv("\xEF\xBB\xBFid;name\r\n7;\"Rossi; \"\"the fast\"\"\"\r\n\r\n", "t.csv");
  ASSERT_TRUE(rows.ok()) << rows.message();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[1].fields[1], "Rossi; \"the fast\"");
  EXPECT_EQ((*rows)[1].line, 2);
}

TEST(CsvTest, UnclosedQuoteNamesTheLine) {
  auto rows = ParseCsv("a,b\n1,\"open\n2,3\n", "cars.csv");
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.message(), "cars.csv line 2: quoted field is never closed");
}

TEST(RosterTest, LoadsColumnsInAnyOrderAndKeepsExtras) {
  auto roster = Roster::Parse(
      "Secret,ID,Role,Name,Driver\nabcdefgh1,12,lead,Car 12,Anna\nabcdefgh2,7,,Car 7,Ben\n"
      "abcdefgh3,40,sweep,,Chiara\n",
      "cars.csv");
  ASSERT_TRUE(roster.ok()) << roster.message();
  ASSERT_EQ(roster->cars().size(), 3u);
  EXPECT_EQ(roster->lead()->id, "12");
  EXPECT_EQ(roster->Find("7")->role, CarRole::kCar);
  EXPECT_EQ(roster->Find("40")->name, "40");
  EXPECT_EQ(roster->Find("40")->extra.at("driver"), "Chiara");
  EXPECT_EQ(roster->FindBySecret("abcdefgh2")->id, "7");
  EXPECT_EQ(roster->Find("99"), nullptr);
}

TEST(RosterTest, BadRowsNameTheFileLineAndProblem) {
  struct Case {
    const char* csv;
    const char* error;
  } cases[] = {
      {"id,name,role\n1,a,car\n", "cars.csv line 1: no 'secret' column"},
      {"id,name,role,secret\n1,a,driver,abcdefgh\n", "cars.csv line 2: role 'driver' is not one"},
      {"id,name,role,secret\n1,a,car,short\n", "cars.csv line 2: the secret of car 1 is shorter"},
      {"id,name,role,secret\n1,a,car,abcdefgh\n1,b,car,abcdefgi\n",
       "cars.csv line 3: car id 1 appears twice"},
      {"id,name,role,secret\n1,a,car,abcdefgh\n2,b,car,abcdefgh\n",
       "cars.csv line 3: car 2 has the same secret"},
      {"id,name,role,secret\nbad id,a,car,abcdefgh\n", "cars.csv line 2: id 'bad id' must be"},
      {"id,name,role,secret\n1,a,lead,abcdefgh\n2,b,lead,abcdefgi\n",
       "cars.csv: more than one car has the role lead"},
      {"id,name,role,secret\n", "cars.csv: no cars"},
  };
  for (const Case& c : cases) {
    auto roster = Roster::Parse(c.csv, "cars.csv");
    ASSERT_FALSE(roster.ok()) << c.csv;
    EXPECT_EQ(roster.message().rfind(c.error, 0), 0u) << roster.message();
  }
}

TEST(RosterTest, MissingFileIsAClearError) {
  auto roster = Roster::Load("/nonexistent/cars.csv");
  ASSERT_FALSE(roster.ok());
  EXPECT_EQ(roster.message(), "/nonexistent/cars.csv: cannot open");
}

}  // namespace
}  // namespace convoy::proto
