#pragma once

#include "kube/kubeconfig.h"

#include <QString>
#include <QStringList>

namespace model {

// What the header of the console shows about the connection it would make: which files,
// which context, which server, as whom; or one sentence saying why there is none.
struct ConnectionInfo {
    bool usable = false;
    QString problem; // set when !usable
    QStringList files;
    QString context;
    QString server;
    QString user;
    QString namespaceName;
    QString authMethod; // "bearer token", "client certificate", "exec plugin (aws)", ...
    QString warning;    // e.g. TLS verification disabled
};

ConnectionInfo describeConnection(const kube::Result<kube::RestConfig>& config);

} // namespace model
