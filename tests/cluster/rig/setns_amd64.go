package main

// The syscall package names setns for other architectures but not for amd64.
const sysSetns = 308
