#pragma once
// Reading the uploads a target has not confirmed (the StateStore's methods are in
// upload_store.cpp; this is for state_store.cpp's snapshots).

#include "state/pending_upload.hpp"
#include "state/sqlite.hpp"

#include <string>
#include <vector>

namespace hr2scim::state {

[[nodiscard]] std::vector<PendingUpload> load_uploads(Database& db, const std::string& target);

} // namespace hr2scim::state
