#pragma once

#include "transport.h"

#include <QObject>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

namespace net {

// Posts one line to a chat webhook after a deploy, swap or failure. The JSON carries the text
// as both `content` (Discord) and `text` (Slack), so either kind of webhook URL works.
class ChatWebhook : public QObject {
    Q_OBJECT

public:
    // A chat service answers a post with a few bytes; more than this is not read.
    static constexpr std::size_t maxAnswerBytes = 64 * 1024;

    ChatWebhook(Transport* transport, std::string url, QObject* parent = nullptr);
    bool enabled() const { return !m_url.empty(); }
    void send(const std::string& text, std::function<void(Result<HttpResponse>)> done = {});

    static nlohmann::json payload(const std::string& text);
    // A transport failure as a sentence that names the webhook's host, never its path (the secret).
    static Error transportError(Error error, const std::string& host, std::chrono::milliseconds timeout);

private:
    Transport* m_transport;
    std::string m_url;
};

} // namespace net
