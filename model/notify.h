#pragma once

#include "kube/transport.h"

#include <QObject>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

namespace model {

// Posts one line to a chat webhook after a deploy, swap or failure. The JSON carries the text
// as both `content` (Discord) and `text` (Slack), so either kind of webhook URL works.
class Notifier : public QObject {
    Q_OBJECT

public:
    Notifier(kube::Transport* transport, std::string url, QObject* parent = nullptr);
    bool enabled() const { return !m_url.empty(); }
    void send(const std::string& text, std::function<void(kube::Result<kube::HttpResponse>)> done = {});

    static nlohmann::json payload(const std::string& text);

private:
    kube::Transport* m_transport;
    std::string m_url;
};

} // namespace model
