#include "entry.h"

#include "cli.h"

namespace entry {

namespace {

// The console's options that take a value, and Qt's own (QGuiApplication strips them later).
const QStringList valueOptions = {
    QStringLiteral("kubeconfig"),       QStringLiteral("context"),      QStringLiteral("n"),
    QStringLiteral("namespace"),        QStringLiteral("config"),       QStringLiteral("poll"),
    QStringLiteral("watch-after-swap"), QStringLiteral("screenshot"),   QStringLiteral("service"),
    QStringLiteral("palette"),          QStringLiteral("platform"),     QStringLiteral("platformpluginpath"),
    QStringLiteral("platformtheme"),    QStringLiteral("plugin"),       QStringLiteral("qwindowgeometry"),
    QStringLiteral("qwindowicon"),      QStringLiteral("qwindowtitle"), QStringLiteral("style"),
    QStringLiteral("stylesheet"),       QStringLiteral("session"),      QStringLiteral("display"),
    QStringLiteral("geometry"),         QStringLiteral("title"),        QStringLiteral("name"),
    QStringLiteral("visual"),
};
const QStringList flagOptions = {QStringLiteral("read-only"), QStringLiteral("reverse"), QStringLiteral("widgetcount"),
                                 QStringLiteral("nograb"),    QStringLiteral("dograb"),  QStringLiteral("sync")};

} // namespace

Decision route(const QStringList& args)
{
    for (qsizetype i = 1; i < args.size(); ++i) {
        const QString& arg = args.at(i);
        if (arg == QLatin1String("--"))
            return i + 1 < args.size() ? Decision{Route::UnknownCommand, args.at(i + 1)} : Decision{};
        if (arg.size() > 1 && arg.startsWith(u'-')) {
            QString name = arg.mid(arg.startsWith(QLatin1String("--")) ? 2 : 1);
            const bool inlineValue = name.contains(u'=');
            name = name.section(u'=', 0, 0);
            if (name == QLatin1String("help") || name == QLatin1String("h") || name == QLatin1String("?") ||
                name == QLatin1String("help-all"))
                return {Route::Help, {}};
            if (name == QLatin1String("version") || name == QLatin1String("v"))
                return {Route::Version, {}};
            if (valueOptions.contains(name)) {
                if (!inlineValue)
                    ++i;
                continue;
            }
            if (flagOptions.contains(name))
                continue;
            return {Route::UnknownOption, arg};
        }
        // The first bare word: a command, wherever the options before it put it.
        if (cli::isCommand(arg.toLocal8Bit().constData()))
            return {Route::Command, arg};
        return {Route::UnknownCommand, arg};
    }
    return {};
}

bool displayAvailable(const QStringList& args)
{
    if (!qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") || args.contains(QLatin1String("-platform")) ||
        args.contains(QLatin1String("--platform")))
        return true;
#if defined(Q_OS_LINUX)
    return !qEnvironmentVariableIsEmpty("DISPLAY") || !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY");
#else
    return true;
#endif
}

} // namespace entry
