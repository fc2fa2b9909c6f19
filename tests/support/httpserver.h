#pragma once

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QPointer>
#include <QStringList>
#include <QTcpServer>
#include <QTcpSocket>
#include <deque>
#include <functional>

namespace testsupport {

// An HTTP/1.1 server on 127.0.0.1 (never another interface) for tests that need a server to
// misbehave. It keeps every request it is sent, read whole (by its Content-Length), and answers in
// the way the test chose:
// - Answer: by the canned answer whose path prefix is the longest to match the path (404 when none
//   does), or by the responder when one is set; the connection is closed after the answer;
// - Hold: not until the test calls answerOldest(), so the test decides when each request ends;
// - Silent: never; it accepts connections and reads nothing (a server that does not answer).
class HttpServer {
public:
    struct Answer {
        int status = 200;
        QList<QByteArray> headers; // "Name: value"
        QByteArray body;
    };
    struct Request {
        QByteArray head; // the request line and the headers
        QByteArray body;
        QByteArray method() const { return head.left(head.indexOf(' ')); }
        QByteArray path() const { return head.left(head.indexOf("\r\n")).split(' ').value(1); }
    };
    using Responder = std::function<Answer(const Request&)>;
    enum class Mode { Answer, Hold, Silent };

    explicit HttpServer(Mode mode = Mode::Answer);
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    bool isListening() const { return m_server.isListening(); }
    QString origin() const { return QStringLiteral("http://") + hostPort(); }
    QString hostPort() const { return QStringLiteral("127.0.0.1:%1").arg(m_server.serverPort()); }

    void answer(const QByteArray& pathPrefix, Answer a) { m_answers.insert(pathPrefix, std::move(a)); }
    void setResponder(Responder responder) { m_responder = std::move(responder); }

    // Hold: how many requests wait for an answer, and the answer to the oldest of them.
    int held() const { return static_cast<int>(m_held.size()); }
    void answerOldest(const Answer& a);

    const QList<Request>& requests() const { return m_requests; }
    QList<QByteArray> paths() const;
    int accepted() const { return m_accepted; }

private:
    void accept();
    void read(QTcpSocket* socket, QByteArray& buffer);
    Answer answerFor(const Request& request) const;
    static void respond(QTcpSocket* socket, const Answer& a);

    QTcpServer m_server;
    Mode m_mode;
    QMap<QByteArray, Answer> m_answers;
    Responder m_responder;
    std::deque<QPointer<QTcpSocket>> m_held;
    QList<Request> m_requests;
    int m_accepted = 0;
};

// A chat webhook for tests: keeps every message it is sent and answers 204.
class WebhookReceiver : public HttpServer {
public:
    WebhookReceiver() { answer({}, Answer{204, {}, {}}); }

    QString url(const QString& path = QStringLiteral("/api/webhooks/123/secret-part")) const { return origin() + path; }
    // The `content` of each message received, oldest first.
    QStringList contents() const
    {
        QStringList out;
        for (const Request& r : requests())
            out << QJsonDocument::fromJson(r.body).object().value(QStringLiteral("content")).toString();
        return out;
    }
};

} // namespace testsupport
