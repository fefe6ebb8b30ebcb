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

TEST(RosterTest, NamesInALegacyEncodingOrWithControlCharactersAreRefusedWithTheirLine) {
  struct Case {
    std::string name;
    const char* error;
  } cases[] = {
      // "Rossi, Niccolò" saved as Latin-1 by an old spreadsheet.
      {"Niccol\xF2", "cars.csv line 3: the name of car 7 is refused: byte 7 (0xF2) is not UTF-8"},
      {"Car \xC3\x28", "cars.csv line 3: the name of car 7 is refused: byte 5 (0xC3) is not UTF-8"},
      {"over\xC0\xAFlong", "cars.csv line 3: the name of car 7 is refused: byte 5 (0xC0)"},
      {"surrogate \xED\xA0\x80", "cars.csv line 3: the name of car 7 is refused: byte 11 (0xED)"},
      {"cut \xE2\x82", "cars.csv line 3: the name of car 7 is refused: byte 5 (0xE2)"},
      {"\x1B[31mred",
       "cars.csv line 3: the name of car 7 is refused: byte 1 is a control "
       "character (U+001B)"},
      {"tab\there", "cars.csv line 3: the name of car 7 is refused: byte 4 is a control"},
      {"two\nlines", "cars.csv line 3: the name of car 7 is refused: byte 4 is a control"},
      {"del\x7F",
       "cars.csv line 3: the name of car 7 is refused: byte 4 is a control "
       "character (U+007F)"},
      {"c1 \xC2\x9B",
       "cars.csv line 3: the name of car 7 is refused: byte 4 is a control "
       "character (U+009B)"},
  };
  for (const Case& c : cases) {
    // Quoted, so that the CSV reader hands the bytes over as they are (newlines included).
    const std::string csv =
        "id,name,role,secret\n1,Fine,car,abcdefgh\n7,\"" + c.name + "\",car,abcdefgi\n";
    auto roster = Roster::Parse(csv, "cars.csv");
    ASSERT_FALSE(roster.ok()) << ::testing::PrintToString(c.name);
    EXPECT_EQ(roster.message().rfind(c.error, 0), 0u) << roster.message();
    EXPECT_NE(roster.message().find("save the file as \"CSV UTF-8\""), std::string::npos);
    // The message itself is printable: it goes to the terminal and the log.
    EXPECT_EQ(DisplayTextProblem(roster.message()), "") << roster.message();
  }
}

TEST(RosterTest, NamesInAnyScriptAreKept) {
  const std::string names[] = {"Niccol\xC3\xB2 Rossi", "\xE5\xB1\xB1\xE7\x94\xB0",
                               "\xF0\x9F\x9A\x97 team", "Zo\xC3\xAB & \xC5\x81ukasz"};
  std::string csv = "id,name,role,secret\n";
  for (size_t i = 0; i < std::size(names); ++i) {
    csv += std::to_string(i) + "," + names[i] + ",car,abcdefgh" + std::to_string(i) + "\n";
  }
  auto roster = Roster::Parse(csv, "cars.csv");
  ASSERT_TRUE(roster.ok()) << roster.message();
  for (size_t i = 0; i < std::size(names); ++i) EXPECT_EQ(roster->cars()[i].name, names[i]);
}

TEST(RosterTest, HostileIdsAndRolesAreEscapedInTheError) {
  auto bad_id = Roster::Parse("id,name,role,secret\n\"\x1B[2J\xFF\",a,car,abcdefgh\n", "cars.csv");
  ASSERT_FALSE(bad_id.ok());
  EXPECT_EQ(bad_id.message().rfind("cars.csv line 2: id '\\x1B[2J\\xFF' must be", 0), 0u)
      << bad_id.message();
  auto bad_role = Roster::Parse("id,name,role,secret\n1,a,\"le\rad\",abcdefgh\n", "cars.csv");
  ASSERT_FALSE(bad_role.ok());
  EXPECT_EQ(bad_role.message().rfind("cars.csv line 2: role 'le\\x0Dad' is not one", 0), 0u)
      << bad_role.message();
}

TEST(RosterTest, PrintableForLogKeepsUtf8AndEscapesTheRest) {
  EXPECT_EQ(PrintableForLog("Zo\xC3\xAB"), "Zo\xC3\xAB");
  EXPECT_EQ(PrintableForLog("a\nb"), "a\\x0Ab");
  EXPECT_EQ(PrintableForLog("\xC3\x28"), "\\xC3(");
  EXPECT_EQ(PrintableForLog("back\\slash"), "back\\x5Cslash");
  EXPECT_EQ(PrintableForLog(std::string("nul\0", 4)), "nul\\x00");
}

TEST(RosterTest, MissingFileIsAClearError) {
  auto roster = Roster::Load("/nonexistent/cars.csv");
  ASSERT_FALSE(roster.ok());
  EXPECT_EQ(roster.message(), "/nonexistent/cars.csv: cannot open");
}

}  // namespace
}  // namespace convoy::proto
