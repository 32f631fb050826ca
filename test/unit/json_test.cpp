#include "common/json.hpp"

#include <gtest/gtest.h>

namespace chameleon {
namespace {

TEST(Json, StringEscapes) {
    EXPECT_EQ(JsonString("plain"), "\"plain\"");
    EXPECT_EQ(JsonString("a\"b\\c"), "\"a\\\"b\\\\c\"");
    EXPECT_EQ(JsonString("line\nnext\ttab"), "\"line\\nnext\\ttab\"");
    EXPECT_EQ(JsonString(std::string("nul\0x", 5)), "\"nul\\u0000x\"");
    EXPECT_EQ(JsonString("\x01"), "\"\\u0001\"");
    EXPECT_EQ(JsonString("caf\xc3\xa9 \xf0\x9f\x90\x8d"), "\"caf\xc3\xa9 \xf0\x9f\x90\x8d\"");
}

TEST(Json, ObjectsAndArrays) {
    EXPECT_EQ(JsonObject({}), "{}");
    EXPECT_EQ(JsonObject({{"a", "1"}, {"b\"", JsonString("x")}}), "{\"a\": 1, \"b\\\"\": \"x\"}");
    EXPECT_EQ(JsonStringArray({}), "[]");
    EXPECT_EQ(JsonStringArray({"x", "y z"}), "[\"x\", \"y z\"]");
}

} // namespace
} // namespace chameleon
