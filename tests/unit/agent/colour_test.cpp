// When hr2scim colours (--color, NO_COLOR, a terminal), and that colouring only wraps text.

#include "agent/colour.hpp"

#include <gtest/gtest.h>
#include <sstream>

namespace hr2scim::agent {
namespace {

TEST(Colour, AutoColoursATerminalUnlessNoColorIsSetAndTheFlagWinsOverTheEnvironment) {
    EXPECT_TRUE(colour_wanted("auto", true, nullptr));
    EXPECT_TRUE(colour_wanted("auto", true, "")) << "NO_COLOR empty counts as unset";
    EXPECT_FALSE(colour_wanted("auto", true, "1"));
    EXPECT_FALSE(colour_wanted("auto", false, nullptr)) << "a pipe, a file";
    EXPECT_TRUE(colour_wanted("always", false, "1"));
    EXPECT_FALSE(colour_wanted("never", true, nullptr));
}

TEST(Colour, AStreamMarkedColouredWrapsTheTextAndAnyOtherPrintsItAsItIs) {
    std::ostringstream plain, coloured;
    use_colour(coloured, true);
    for (auto* out : {static_cast<std::ostream*>(&plain), static_cast<std::ostream*>(&coloured)})
        *out << Painted{Tone::added, "+ create"} << " " << Painted{Tone::plain, "0 to update"}
             << " " << Painted{Tone::removed, ""};
    EXPECT_EQ(plain.str(), "+ create 0 to update ");
    EXPECT_EQ(coloured.str(), "\033[32m+ create\033[0m 0 to update ");
    EXPECT_FALSE(uses_colour(plain));
    use_colour(coloured, false);
    EXPECT_FALSE(uses_colour(coloured));
}

} // namespace
} // namespace hr2scim::agent
