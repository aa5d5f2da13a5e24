//go:build pprof

package main

// Built with -tags pprof, the service serves net/http/pprof on
// PPROF_ADDR (loopback only): how the performance section's
// profiles of the message path were taken. Never in a release build.

import (
	"net/http"
	_ "net/http/pprof"
	"os"
)

func init() {
	addr := os.Getenv("PPROF_ADDR")
	if addr == "" {
		return
	}
	go http.ListenAndServe(addr, nil)
}
