#pragma once
// Colour for people at a terminal: the plan's + create green, ~ update yellow, - deactivate
// red, and the summary's counts likewise. Whether a stream is coloured is a property of the
// stream (like std::hex), set once where standard output is made (cli.cpp), so that printers
// need no extra parameter; a stream never marked prints plain text. Coloured or not, the text
// is the same once the escape sequences are taken out.

#include <ostream>
#include <string>
#include <string_view>

namespace hr2scim::agent {

// --color: "always" and "never" are obeyed whatever the environment (a flag typed for this run
// wins over NO_COLOR, as in most tools); "auto" colours a terminal only, and not when NO_COLOR
// is set and not empty (https://no-color.org).
[[nodiscard]] bool colour_wanted(std::string_view choice, bool is_terminal, const char* no_color);
// The same for a file descriptor of this process (standard output, standard error) and its
// environment.
[[nodiscard]] bool colour_wanted_on(int fd, std::string_view choice);

void use_colour(std::ostream& out, bool on);
[[nodiscard]] bool uses_colour(std::ostream& out);

// What a piece of text means, which its colour says.
enum class Tone {
    plain,   // as it is: a count of nothing
    added,   // green: create, reactivate
    changed, // yellow: update, repair, manager link
    removed, // red: deactivate, delete, failures
    warning, // bold yellow: withheld, absent
};

// `text` in its tone's colour on a coloured stream, as it is on any other.
struct Painted {
    Tone tone;
    std::string text;
};
std::ostream& operator<<(std::ostream& out, const Painted& painted);

} // namespace hr2scim::agent
