#include "agent/colour.hpp"

#include <cstdlib>
#include <unistd.h>

namespace hr2scim::agent {
namespace {

// The slot of every stream's private storage (std::ios_base::iword) that says "coloured".
int colour_slot() {
    static const int slot = std::ios_base::xalloc();
    return slot;
}

std::string_view escape_of(Tone tone) {
    switch (tone) {
    case Tone::plain:
        return "";
    case Tone::added:
        return "\033[32m";
    case Tone::changed:
        return "\033[33m";
    case Tone::removed:
        return "\033[31m";
    case Tone::warning:
        return "\033[1;33m";
    }
    return "";
}

constexpr std::string_view k_reset = "\033[0m";

} // namespace

bool colour_wanted(std::string_view choice, bool is_terminal, const char* no_color) {
    if (choice == "always") return true;
    if (choice == "never") return false;
    const bool told_not_to = no_color != nullptr && *no_color != '\0';
    return is_terminal && !told_not_to;
}

bool colour_wanted_on(int fd, std::string_view choice) {
    return colour_wanted(choice, ::isatty(fd) == 1, std::getenv("NO_COLOR"));
}

void use_colour(std::ostream& out, bool on) {
    out.iword(colour_slot()) = on ? 1 : 0;
}

bool uses_colour(std::ostream& out) {
    return out.iword(colour_slot()) != 0;
}

std::ostream& operator<<(std::ostream& out, const Painted& painted) {
    if (!uses_colour(out) || painted.tone == Tone::plain || painted.text.empty())
        return out << painted.text;
    return out << escape_of(painted.tone) << painted.text << k_reset;
}

} // namespace hr2scim::agent
