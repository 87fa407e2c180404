#pragma once
// Exit codes are an interface for cron, systemd and monitoring: keep them stable.

namespace hr2scim::agent {

enum class ExitCode : int {
    ok = 0,     // everything planned was applied (or, for plan, nothing to do)
    failed = 1, // could not run: config, mapping, source, state, or the target refused us
    // Some records were rejected or some operations failed, or the run's report or metrics
    // file could not be written (monitoring would go blind while every run says ok).
    partial = 2,
    safety_stop = 3,     // a safety gate held deactivations back
    changes_pending = 4, // plan --detailed-exitcode: there are changes to apply
    usage = 64,          // the command line is wrong (sysexits.h EX_USAGE); nothing was run
};

} // namespace hr2scim::agent
