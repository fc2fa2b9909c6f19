// A small Docker registry token server for the registry tests (the `auth: token:` flow of
// distribution): standard library only.
module signalbox.local/registry/tokenserver

go 1.26.0
