#pragma once

#include "model/rules/authorship.h"

#include <functional>

namespace kube {
class Client;
}

namespace model {

// Reads the history-authors policy and its binding by name; `done` is called once, with both
// answers judged (authorPolicyFrom).
void readAuthorPolicy(kube::Client* client, std::function<void(AuthorPolicy)> done);

} // namespace model
