#include "httpserver.h"

#include <QHostAddress>
#include <memory>

namespace testsupport {

HttpServer::HttpServer(Mode mode) : m_mode(mode)
{
    QObject::connect(&m_server, &QTcpServer::newConnection, &m_server, [this] { accept(); });
    m_server.listen(QHostAddress::LocalHost);
}

void HttpServer::accept()
{
    // The sockets are children of the server: those still open when the test ends go with it.
    while (QTcpSocket* socket = m_server.nextPendingConnection()) {
        ++m_accepted;
        if (m_mode == Mode::Silent)
            continue;
        auto buffer = std::make_shared<QByteArray>();
        QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket, buffer] { read(socket, *buffer); });
    }
}

void HttpServer::read(QTcpSocket* socket, QByteArray& buffer)
{
    buffer += socket->readAll();
    const qsizetype end = buffer.indexOf("\r\n\r\n");
    if (end < 0)
        return;
    Request request{buffer.left(end), {}};
    qsizetype length = 0;
    for (const QByteArray& line : request.head.split('\n'))
        if (line.toLower().startsWith("content-length:"))
            length = line.mid(15).trimmed().toLongLong();
    if (buffer.size() < end + 4 + length)
        return;
    request.body = buffer.mid(end + 4, length);
    buffer.remove(0, end + 4 + length);
    m_requests << request;
    if (m_mode == Mode::Hold)
        m_held.emplace_back(socket);
    else
        respond(socket, answerFor(request));
}

HttpServer::Answer HttpServer::answerFor(const Request& request) const
{
    if (m_responder)
        return m_responder(request);
    const QByteArray path = request.path();
    QByteArray best;
    for (auto it = m_answers.begin(); it != m_answers.end(); ++it)
        if (path.startsWith(it.key()) && it.key().size() >= best.size())
            best = it.key();
    if (best.isEmpty() && !m_answers.contains(QByteArray()))
        return Answer{404, {"Content-Type: text/plain"}, "no such path"};
    return m_answers.value(best);
}

void HttpServer::answerOldest(const Answer& a)
{
    while (!m_held.empty()) {
        QPointer<QTcpSocket> socket = m_held.front();
        m_held.pop_front();
        if (socket) {
            respond(socket, a);
            return;
        }
    }
}

QList<QByteArray> HttpServer::paths() const
{
    QList<QByteArray> out;
    for (const Request& r : m_requests)
        out << r.path();
    return out;
}

void HttpServer::respond(QTcpSocket* socket, const Answer& a)
{
    static const QMap<int, QByteArray> reasons{{200, "OK"},          {201, "Created"},      {204, "No Content"},
                                               {400, "Bad Request"}, {401, "Unauthorized"}, {403, "Forbidden"},
                                               {404, "Not Found"},   {409, "Conflict"},     {500, "Server Error"}};
    QByteArray head = "HTTP/1.1 " + QByteArray::number(a.status) + ' ' + reasons.value(a.status, "Status") + "\r\n";
    for (const QByteArray& h : a.headers)
        head += h + "\r\n";
    head += "Content-Length: " + QByteArray::number(a.body.size()) + "\r\nConnection: close\r\n\r\n";
    socket->write(head + a.body);
    socket->disconnectFromHost(); // after what is queued has been written
}

} // namespace testsupport
