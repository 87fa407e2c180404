#include "agent/cli.hpp"

int main(int argc, char** argv) {
    return hr2scim::agent::main_with_arguments(argc, argv);
}
