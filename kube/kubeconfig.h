#pragma once

#include "net.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kube {

// What the user asked for on the command line and what the environment holds. Loading reads
// nothing else, so tests can describe every case without touching the real environment.
struct KubeconfigOptions {
    std::string explicitPath;                 // --kubeconfig: used alone, must exist
    std::optional<std::string> kubeconfigEnv; // $KUBECONFIG, colon-separated
    std::string homeDir;                      // for ~/.kube/config
    std::string context;                      // --context, beats current-context
    std::string namespaceOverride;            // --namespace / -n
    // In-cluster fallback: used when no kubeconfig file is found.
    std::string inClusterHost; // $KUBERNETES_SERVICE_HOST
    std::string inClusterPort; // $KUBERNETES_SERVICE_PORT
    std::string serviceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount";

    // Fills the environment fields from the process environment.
    static KubeconfigOptions fromEnvironment();
};

struct ExecEnvVar {
    std::string name;
    std::string value;
};

// users[].user.exec, as client-go's clientcmd api describes it.
struct ExecConfig {
    std::string apiVersion; // client.authentication.k8s.io/v1 or v1beta1
    std::string command;    // resolved against the kubeconfig's folder if relative with a slash
    std::vector<std::string> args;
    std::vector<ExecEnvVar> env;
    std::string installHint;
    bool provideClusterInfo = false;
    std::string interactiveMode; // Never, IfAvailable, Always
};

struct ClusterInfo {
    std::string name;
    std::string server;
    std::string certificateAuthorityFile; // absolute
    std::string certificateAuthorityData; // PEM, decoded from base64
    bool insecureSkipTlsVerify = false;
    std::string tlsServerName;
    std::string proxyUrl;
    std::string sourceFile; // which kubeconfig file defined it
};

struct AuthInfo {
    std::string name;
    std::string token;
    std::string tokenFile;             // absolute
    std::string clientCertificateFile; // absolute
    std::string clientCertificateData; // PEM
    std::string clientKeyFile;         // absolute
    std::string clientKeyData;         // PEM
    std::string username;
    std::string password;
    std::optional<ExecConfig> exec;
    std::string authProvider; // legacy auth-provider name, unsupported
    std::string sourceFile;
};

// Everything needed to talk to one API server as one user.
struct RestConfig {
    std::string contextName;
    std::string namespaceName;
    ClusterInfo cluster;
    AuthInfo user;
    std::vector<std::string> files; // the kubeconfig files that were read, in order
    bool inCluster = false;
};

struct ContextSummary {
    std::string name;
    std::string cluster;
    std::string user;
    std::string namespaceName;
};

// The merged view of all kubeconfig files, before a context is chosen.
struct Kubeconfig {
    std::vector<std::string> files;
    std::string currentContext;
    std::vector<ContextSummary> contexts;
    std::map<std::string, ClusterInfo> clusters;
    std::map<std::string, AuthInfo> users;
};

// Reads and merges kubeconfig files with kubectl's rules (client-go tools/clientcmd).
Result<Kubeconfig> loadKubeconfig(const KubeconfigOptions& options);

// Parses the text of one kubeconfig as if it were the file `fileName`, which names it in messages
// and anchors its relative paths; no file is read.
Result<Kubeconfig> parseKubeconfigText(const std::string& text, const std::string& fileName);

// Picks the context (options.context, else current-context) and resolves it.
// Falls back to in-cluster configuration when no kubeconfig file exists and the
// in-cluster environment is present.
Result<RestConfig> loadRestConfig(const KubeconfigOptions& options);

// Resolves one named context of an already merged kubeconfig.
Result<RestConfig> resolveContext(const Kubeconfig& config, const std::string& contextName,
                                  const std::string& namespaceOverride);

} // namespace kube
