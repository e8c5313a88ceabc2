// The criteria engine: every operator's positive and negative cases, its wire form, the
// round trip through JSON, and the errors for malformed documents.
#include <gtest/gtest.h>

#include <fstream>

#include <mockhttp/criteria.hpp>
#include <mockhttp/errors.hpp>

using namespace mockhttp;
using Json = nlohmann::json;

namespace {

// The wire document, read back, must match and miss the same subjects as the original.
void expect_round_trip(const Criteria& c, const Json& matching, const Json& missing) {
  const Criteria back = Criteria::from_json(c.to_json());
  EXPECT_EQ(back.to_json(), c.to_json());
  EXPECT_TRUE(back.matches(matching)) << c.to_json();
  EXPECT_FALSE(back.matches(missing)) << c.to_json();
}

struct OperatorCase {
  const char* name;
  Criteria criteria;
  Json wire;
  Json matching;
  Json missing;
};

void PrintTo(const OperatorCase& c, std::ostream* os) { *os << c.name; }

class EveryOperator : public ::testing::TestWithParam<OperatorCase> {};

TEST_P(EveryOperator, MatchesMissesAndRoundTrips) {
  const auto& c = GetParam();
  EXPECT_TRUE(c.criteria.matches(c.matching)) << c.criteria.describe();
  const MatchResult miss = c.criteria.evaluate(c.missing);
  EXPECT_FALSE(miss.matched) << c.criteria.describe();
  EXPECT_FALSE(miss.reason.empty());
  EXPECT_EQ(c.criteria.to_json(), c.wire);
  expect_round_trip(c.criteria, c.matching, c.missing);
  // The wire form that assertive's Python serializer emits reads into the same behaviour.
  const Criteria from_wire = Criteria::from_json(c.wire);
  EXPECT_TRUE(from_wire.matches(c.matching));
  EXPECT_FALSE(from_wire.matches(c.missing));
}

INSTANTIATE_TEST_SUITE_P(
    Criteria, EveryOperator,
    ::testing::Values(
        OperatorCase{"eq", eq("a"), Json::parse(R"({"$eq":{"value":"a"}})"), "a", "b"},
        OperatorCase{"neq", neq(3), Json::parse(R"({"$neq":{"value":3}})"), 4, 3},
        OperatorCase{"gt", gt(3), Json::parse(R"({"$gt":{"value":3}})"), 4, 3},
        OperatorCase{"gte", gte(3), Json::parse(R"({"$gte":{"value":3}})"), 3, 2},
        OperatorCase{"lt", lt(3), Json::parse(R"({"$lt":{"value":3}})"), 2.5, 3},
        OperatorCase{"lte", lte("m"), Json::parse(R"({"$lte":{"value":"m"}})"), "apple", "zebra"},
        OperatorCase{"between", between(1, 3), Json::parse(R"({"$between":{"lower":1,"upper":3,"is_inclusive":true}})"),
                     3, 4},
        OperatorCase{"between_exclusive", between(1, 3, false),
                     Json::parse(R"({"$between":{"lower":1,"upper":3,"is_inclusive":false}})"), 2, 3},
        OperatorCase{"and", gt(1) && lt(5),
                     Json::parse(R"({"$and":{"items":[{"$gt":{"value":1}},{"$lt":{"value":5}}]}})"), 3, 5},
        OperatorCase{"or", gt(10) || eq(7),
                     Json::parse(R"({"$or":{"items":[{"$gt":{"value":10}},{"$eq":{"value":7}}]}})"), 7, 8},
        OperatorCase{"xor", gt(1) ^ lt(5),
                     Json::parse(R"({"$xor":{"left":{"$gt":{"value":1}},"right":{"$lt":{"value":5}}}})"), 6, 3},
        OperatorCase{"not", !eq(3), Json::parse(R"({"$not":{"value":{"$eq":{"value":3}}}})"), 4, 3},
        OperatorCase{
            "json", as_json(key_values({{"a", gt(0)}})),
            Json::parse(R"({"$json":{"inner_criteria":{"$key_values":{"key_values":{"a":{"$gt":{"value":0}}}}}}})"),
            R"({"a": 1, "b": 2})", R"({"a": 0})"},
        OperatorCase{"contains", contains({1, gt(2)}),
                     Json::parse(R"({"$contains":{"items":[{"$eq":{"value":1}},{"$gt":{"value":2}}]}})"),
                     Json::array({5, 1}), Json::array({1, 2})},
        OperatorCase{"contains_exactly", contains_exactly({"a", "b"}),
                     Json::parse(R"({"$contains_exactly":{"items":[{"$eq":{"value":"a"}},{"$eq":{"value":"b"}}]}})"),
                     Json::array({"a", "b"}), Json::array({"b", "a"})},
        OperatorCase{"regex", regex("^Bearer [a-z]+"), Json::parse(R"({"$regex":{"pattern":"^Bearer [a-z]+"}})"),
                     "Bearer abc", "bearer abc"},
        OperatorCase{"length", length(3), Json::parse(R"({"$length":{"value":{"$eq":{"value":3}}}})"), "abc", "abcd"},
        OperatorCase{"key_values", key_values({{"a", 1}}),
                     Json::parse(R"({"$key_values":{"key_values":{"a":{"$eq":{"value":1}}}}})"),
                     Json{{"a", 1}, {"b", 2}}, Json{{"a", 2}}},
        OperatorCase{"exact_key_values", exact_key_values({{"a", 1}}),
                     Json::parse(R"({"$exact_key_values":{"key_values":{"a":{"$eq":{"value":1}}}}})"), Json{{"a", 1}},
                     Json{{"a", 1}, {"b", 2}}},
        OperatorCase{"even", even(), Json::parse(R"({"$even":{}})"), 4, 3},
        OperatorCase{"odd", odd(), Json::parse(R"({"$odd":{}})"), -3, 4},
        OperatorCase{"ignore_case", ignore_case("AbC"), Json::parse(R"({"$ignore_case":{"value":"AbC"}})"), "aBc",
                     "abd"}),
    [](const ::testing::TestParamInfo<OperatorCase>& info) { return std::string(info.param.name); });

TEST(CriteriaAffixes, StartsWithEndsWithAndExistsAreCriteriaOnTheWireToo) {
  EXPECT_TRUE(starts_with("/v1/").matches("/v1/charges"));
  EXPECT_FALSE(starts_with("/v1/").matches("/v2/v1/"));
  EXPECT_TRUE(ends_with(".stripe.com").matches("api.stripe.com"));
  EXPECT_FALSE(ends_with(".stripe.com").matches("stripe.com.evil"));
  EXPECT_FALSE(ends_with("x").matches(5)) << "a number is no string";
  EXPECT_EQ(ends_with("x").evaluate(5).reason.empty(), false);
  EXPECT_TRUE(exists().matches(nullptr));
  EXPECT_TRUE(key_values({{"id", exists()}}).matches(Json{{"id", 0}}));
  EXPECT_FALSE(key_values({{"id", exists()}}).matches(Json{{"name", "x"}}));
  for (const Criteria& c : {starts_with("a{b"), ends_with("."), exists()}) {
    const Criteria back = Criteria::from_json(c.to_json());
    EXPECT_EQ(back.to_json(), c.to_json());
    EXPECT_EQ(back.matches("a{b."), c.matches("a{b."));
  }
  EXPECT_EQ(starts_with("/a").to_json(), (Json{{"$starts_with", {{"value", "/a"}}}}));
  EXPECT_EQ(exists().to_json(), (Json{{"$exists", Json::object()}}));
  EXPECT_EQ(starts_with("/a").describe(), "starts with \"/a\"");
  EXPECT_THROW(Criteria::from_json(Json{{"$ends_with", {{"value", 3}}}}), CriteriaError);
  EXPECT_THROW(Criteria::from_json(Json{{"$exists", {{"x", 1}}}}), CriteriaError);
}

TEST(Equality, AnObjectLiteralHoldingCriteriaBehavesAsItsRoundTrip) {
  const Json literal = {{"a", gt(2).to_json()}, {"b", "x"}, {"list", {1, ends_with(".com").to_json()}}};
  const Criteria c(literal);
  const Criteria back = Criteria::from_json(c.to_json());
  for (const Json& subject :
       {Json{{"a", 5}, {"b", "x"}, {"list", {1, "x.com"}}}, Json{{"a", 1}, {"b", "x"}, {"list", {1, "x.com"}}},
        Json{{"a", 5}, {"b", "x"}, {"list", {1, "x.org"}}},
        Json{{"a", {{"$gt", {{"value", 2}}}}}, {"b", "x"}, {"list", {1, "x.com"}}}}) {
    EXPECT_EQ(c.matches(subject), back.matches(subject)) << subject;
  }
  EXPECT_TRUE(c.matches(Json{{"a", 5}, {"b", "x"}, {"list", {1, "x.com"}}}));
  EXPECT_EQ(back.to_json(), c.to_json());
  EXPECT_TRUE(eq(Json{{"n", gt(2).to_json()}}).matches(Json{{"n", 3}})) << "eq() reads the same way";
  EXPECT_THROW(Criteria(Json{{"a", {{"$nope", 1}}}}), CriteriaError) << "the wire would refuse it too";
}

TEST(Equality, FollowsPythonWhereItIsSemanticsAndNotWhereItIsAnAccident) {
  EXPECT_TRUE(eq(1).matches(1.0));    // 1 == 1.0
  EXPECT_FALSE(eq(1).matches(true));  // true == 1 is not copied
  EXPECT_FALSE(eq("1").matches(1));   // query values are strings
  EXPECT_TRUE(eq(Json{{"a", {1, 2}}}).matches(Json{{"a", {1, 2}}}));
  EXPECT_FALSE(eq(Json{{"a", 1}}).matches(Json{{"a", 1}, {"b", 2}}));  // plain objects are exact
}

TEST(Ordering, ComparesStringsByCodePointAndRefusesMixedTypes) {
  EXPECT_TRUE(gt("a").matches("b"));
  EXPECT_FALSE(lt("z").matches("é"));  // U+00E9 sorts after z
  const MatchResult mixed = gt(3).evaluate("4");
  EXPECT_FALSE(mixed.matched);
  EXPECT_NE(mixed.reason.find("cannot order string"), std::string::npos) << mixed.reason;
  EXPECT_TRUE(between("b", "d").matches("c"));
  EXPECT_TRUE(gt(9007199254740993LL).matches(9007199254740994LL));  // no loss through double
}

TEST(Logic, EmptyAndMatchesEmptyOrDoesNotAndTypeErrorsStayNonMatches) {
  EXPECT_TRUE(all_of({}).matches(1));
  EXPECT_FALSE(any_of({}).matches(1));
  // Python raises on `not regex(5)`; mockhttp reports a non-match, not a match.
  EXPECT_FALSE(is_not(regex("a")).matches(5));
  EXPECT_FALSE((regex("a") || eq(5)).matches(5));  // the regex raises before eq is tried
  EXPECT_TRUE((eq(5) || regex("a")).matches(5));   // short-circuits as Python does
}

TEST(Json, ParsesStringSubjectsAndExplainsInvalidJson) {
  EXPECT_TRUE(as_json(Json{{"cart_id", "c-1"}}).matches(R"({"cart_id":"c-1"})"));
  EXPECT_FALSE(as_json(Json{{"cart_id", "c-1"}}).matches(R"({"cart_id":"c-1","x":1})"));
  const MatchResult invalid = as_json(eq(1)).evaluate("{not json");
  EXPECT_FALSE(invalid.matched);
  EXPECT_NE(invalid.reason.find("not valid JSON"), std::string::npos) << invalid.reason;
  const MatchResult not_a_string = as_json(eq(1)).evaluate(5);
  EXPECT_NE(not_a_string.reason.find("$json applies to a string"), std::string::npos);
  // Criteria nested in a plain object compare element-wise with the same key set.
  const Criteria nested =
      Criteria::from_json(Json::parse(R"({"$json":{"inner_criteria":{"a":{"$gt":{"value":2}},"b":"x"}}})"));
  EXPECT_TRUE(nested.matches(R"({"a":5,"b":"x"})"));
  EXPECT_FALSE(nested.matches(R"({"a":1,"b":"x"})"));
  EXPECT_FALSE(nested.matches(R"({"a":5,"b":"x","c":0})"));
}

TEST(Contains, IteratesStringsByCharacterArraysByElementObjectsByKey) {
  EXPECT_TRUE(contains({"e"}).matches("hello"));
  EXPECT_FALSE(contains({"ell"}).matches("hello"));  // per character, as in Python
  EXPECT_TRUE(contains({"é"}).matches("café"));      // a character, not a byte
  EXPECT_TRUE(contains({"k"}).matches(Json{{"k", 1}}));
  EXPECT_FALSE(contains({1}).matches(Json{{"k", 1}}));  // values are not searched
  EXPECT_TRUE(contains({}).matches(Json::array()));
  EXPECT_FALSE(contains({1}).matches(5));
  EXPECT_TRUE(contains_exactly({"a", "b"}).matches("ab"));
}

TEST(Length, CountsCodePointsElementsAndKeys) {
  EXPECT_TRUE(length(4).matches("café"));
  EXPECT_TRUE(length(gt(1)).matches(Json::array({1, 2})));
  EXPECT_TRUE(length(1).matches(Json{{"a", 1}}));
  EXPECT_FALSE(length(1).matches(7));
}

TEST(KeyValues, ExplainsMissingAndWrongKeys) {
  const MatchResult missing = key_values({{"amount", gt(0)}}).evaluate(Json{{"total", 1}});
  EXPECT_NE(missing.reason.find("\"amount\" is missing"), std::string::npos) << missing.reason;
  const MatchResult wrong = key_values({{"amount", gt(0)}}).evaluate(Json{{"amount", -1}});
  EXPECT_NE(wrong.reason.find("\"amount\": expected > 0, got -1"), std::string::npos) << wrong.reason;
  EXPECT_FALSE(key_values({{"a", 1}}).matches(Json::array({1})));
}

TEST(Parity, UsesPythonModulo) {
  EXPECT_TRUE(odd().matches(-3));
  EXPECT_TRUE(even().matches(-4));
  EXPECT_TRUE(even().matches(4.0));
  EXPECT_FALSE(even().matches(3.5));
  EXPECT_FALSE(odd().matches(3.5));
  EXPECT_FALSE(even().matches("4"));
  EXPECT_FALSE(even().matches(true));
}

TEST(Regex, IsAnchoredAtTheStartOnlyAndLinearOnHostileInput) {
  EXPECT_TRUE(regex("hello").matches("hello world"));
  EXPECT_FALSE(regex("hello").matches("xhello"));
  EXPECT_TRUE(regex("(?i)HELLO").matches("hello"));
  // The classic catastrophic-backtracking pattern: RE2 answers at once.
  const std::string hostile(50000, 'a');
  EXPECT_FALSE(regex("(a+)+$").matches(hostile + "!"));
  EXPECT_FALSE(regex("a").matches(5));
}

TEST(Regex, RefusesPatternsRe2CannotCompile) {
  try {
    Criteria::from_json(Json::parse(R"({"$regex":{"pattern":"(a)\\1"}})"), "/request/path");
    FAIL() << "a backreference must be refused";
  } catch (const CriteriaError& e) {
    EXPECT_EQ(e.pointer(), "/request/path/$regex/pattern");
    EXPECT_NE(e.problem().find("RE2 cannot compile"), std::string::npos) << e.what();
  }
  EXPECT_THROW(regex("(unclosed"), CriteriaError);
}

TEST(IgnoreCase, LowercasesUnicode) {
  EXPECT_TRUE(ignore_case("ÉCOLE").matches("école"));
  EXPECT_FALSE(ignore_case("abc").matches(3));
}

TEST(Predicate, DescribesItselfAndCannotBeReadBack) {
  const Criteria c = satisfies("a multiple of 5", [](const Json& s) {
    return MatchResult{s.is_number_integer() && s.get<int>() % 5 == 0, ""};
  });
  EXPECT_TRUE(c.matches(10));
  EXPECT_FALSE(c.matches(11));
  EXPECT_EQ(c.to_json(), Json::parse(R"({"$predicate":{"description":"a multiple of 5"}})"));
  EXPECT_THROW(Criteria::from_json(c.to_json()), CriteriaError);
}

struct BadDocument {
  const char* json;
  const char* pointer;
  const char* problem;
};

void PrintTo(const BadDocument& d, std::ostream* os) { *os << d.json; }

class MalformedCriteria : public ::testing::TestWithParam<BadDocument> {};

TEST_P(MalformedCriteria, IsRejectedWithThePointerAndTheProblem) {
  const auto& bad = GetParam();
  try {
    Criteria::from_json(Json::parse(bad.json), "/body");
    FAIL() << "accepted " << bad.json;
  } catch (const CriteriaError& e) {
    EXPECT_EQ(e.pointer(), bad.pointer) << e.what();
    EXPECT_NE(std::string(e.what()).find(bad.problem), std::string::npos) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Criteria, MalformedCriteria,
    ::testing::Values(
        BadDocument{R"({"$regexp":{"pattern":"a"}})", "/body/$regexp", "unknown criteria operator \"$regexp\""},
        BadDocument{R"({"$gt":1})", "/body/$gt", "$gt takes an object of arguments, got number"},
        BadDocument{R"({"$gt":{}})", "/body/$gt", "$gt needs \"value\""},
        BadDocument{R"({"$gt":{"value":1,"extra":2}})", "/body/$gt/extra", "has no argument \"extra\""},
        BadDocument{R"({"$gt":{"value":null}})", "/body/$gt/value", "compares numbers or strings"},
        BadDocument{R"({"$between":{"lower":1,"upper":3,"is_inclusive":"yes"}})", "/body/$between/is_inclusive",
                    "must be a boolean"},
        BadDocument{R"({"$and":{"items":{"$gt":{"value":1}}}})", "/body/$and/items", "items must be an array"},
        BadDocument{R"({"$or":{"items":[{"$gt":{"value":1}},{"$nope":{}}]}})", "/body/$or/items/1/$nope",
                    "unknown criteria operator"},
        BadDocument{R"({"$json":{"inner_criteria":{"$key_values":{"key_values":[1]}}}})",
                    "/body/$json/inner_criteria/$key_values/key_values", "must be an object"},
        BadDocument{R"({"$even":null})", "/body/$even", "takes an object of arguments"},
        BadDocument{R"({"$ignore_case":{"value":5}})", "/body/$ignore_case/value", "must be a string"},
        BadDocument{R"({"$gt":{"value":1},"$lt":{"value":5}})", "/body", "exactly one key"},
        BadDocument{R"({"a":{"b~/c":{"$bad":{}}}})", "/body/a/b~0~1c/$bad", "unknown criteria operator"}),
    [](const ::testing::TestParamInfo<BadDocument>& info) { return "case" + std::to_string(info.index); });

TEST(Describe, ReadsLikeTheCriteria) {
  EXPECT_EQ(gt(3).describe(), "> 3");
  EXPECT_EQ(regex("^a").describe(), "matches regex \"^a\"");
  EXPECT_EQ((gt(1) && lt(5)).describe(), "(> 1 and < 5)");
  EXPECT_EQ(between(1, 3).describe(), "between 1 and 3 (inclusive)");
}

}  // namespace

namespace {

// The documents that schemas/criteria.schema.json is held to as well
// (test/schema_conformance_test.py): schema and reader give the same verdicts.
TEST(SchemaFixtures, TheReaderAcceptsAndRejectsWhatTheSchemaDoes) {
  std::ifstream file(std::string(MOCKHTTP_TEST_DATA_DIR) + "/criteria_documents.json");
  ASSERT_TRUE(file) << "cannot open the fixture";
  const Json documents = Json::parse(file);
  ASSERT_FALSE(documents["valid"].empty());
  for (const Json& doc : documents["valid"]) {
    EXPECT_NO_THROW(Criteria::from_json(doc)) << doc;
    EXPECT_EQ(Criteria::from_json(Criteria::from_json(doc).to_json()).to_json(), Criteria::from_json(doc).to_json())
        << doc;
  }
  for (const Json& doc : documents["invalid"]) EXPECT_THROW(Criteria::from_json(doc), CriteriaError) << doc;
}

}  // namespace
