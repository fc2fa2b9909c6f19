#pragma once

// kube/ talks through net/; these names keep their short spelling inside namespace kube, so that
// kube::Result and kube::Error are the same types as net::Result and net::Error.
#include "net/result.h"
#include "net/transport.h"

namespace kube {

using net::Endpoint;
using net::Error;
using net::HttpRequest;
using net::HttpResponse;
using net::libcurlVersion;
using net::Result;
using net::sizeText;
using net::Transport;

} // namespace kube
