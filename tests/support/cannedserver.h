#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QMap>
#include <QTcpServer>
#include <QTcpSocket>

namespace testsupport {

// An HTTP/1.1 server on 127.0.0.1 for tests that need a server to misbehave: each request is
// answered by the canned answer whose path prefix is the longest to match its path (404 when
// none does), and the connection is closed after it; a path under hold() gets no answer at all.
// Keeps the paths asked for.
class CannedServer : public QTcpServer {
public:
    struct Answer {
        int status = 200;
        QList<QByteArray> headers; // "Name: value"
        QByteArray body;
    };

    CannedServer()
    {
        listen(QHostAddress::LocalHost);
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* s = nextPendingConnection()) {
                auto* request = new QByteArray;
                connect(s, &QObject::destroyed, s, [request] { delete request; });
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
                connect(s, &QTcpSocket::readyRead, s, [this, s, request] {
                    *request += s->readAll();
                    const qsizetype end = request->indexOf("\r\n\r\n");
                    if (end < 0)
                        return;
                    const qsizetype at = request->toLower().indexOf("content-length:");
                    const int length = at < 0 ? 0 : request->mid(at + 15, 12).split('\r').first().trimmed().toInt();
                    if (request->size() < end + 4 + length)
                        return;
                    const QByteArray path = request->left(request->indexOf("\r\n")).split(' ').value(1);
                    m_paths << path;
                    request->clear();
                    for (const QByteArray& held : m_held)
                        if (path.startsWith(held))
                            return;
                    respond(s, answerFor(path));
                });
            }
        });
    }

    void answer(const QByteArray& pathPrefix, Answer a) { m_answers.insert(pathPrefix, std::move(a)); }
    // Requests whose path starts so are read and never answered (the connection stays open).
    void hold(const QByteArray& pathPrefix) { m_held << pathPrefix; }
    QString origin() const { return QStringLiteral("http://127.0.0.1:%1").arg(serverPort()); }
    QString hostPort() const { return QStringLiteral("127.0.0.1:%1").arg(serverPort()); }
    const QList<QByteArray>& paths() const { return m_paths; }

private:
    Answer answerFor(const QByteArray& path) const
    {
        QByteArray best;
        for (auto it = m_answers.begin(); it != m_answers.end(); ++it)
            if (path.startsWith(it.key()) && it.key().size() >= best.size())
                best = it.key();
        if (best.isEmpty() && !m_answers.contains(QByteArray()))
            return Answer{404, {"Content-Type: text/plain"}, "no such path"};
        return m_answers.value(best);
    }

    static void respond(QTcpSocket* s, const Answer& a)
    {
        QByteArray head = "HTTP/1.1 " + QByteArray::number(a.status) + " Canned\r\n";
        for (const QByteArray& h : a.headers)
            head += h + "\r\n";
        head += "Content-Length: " + QByteArray::number(a.body.size()) + "\r\nConnection: close\r\n\r\n";
        s->write(head);
        s->write(a.body);
        s->disconnectFromHost(); // after what is queued has been written
    }

    QMap<QByteArray, Answer> m_answers;
    QList<QByteArray> m_paths;
    QList<QByteArray> m_held;
};

} // namespace testsupport
