// The pod network of the local control plane: a forwarder from the host into the rig's network
// namespace, and the small app that answers for every pod. Standard library only.
module signalbox.local/cluster/rig

go 1.24
