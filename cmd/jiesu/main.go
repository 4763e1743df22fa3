// Command jiesu runs a university's 接诉即办 complaint-handling service.
// Run it with no arguments to serve on the embedded defaults; see
// `jiesu help` for the other subcommands.
package main

import (
	"context"
	"os"
	"os/signal"
	"strings"
	"syscall"
	// Deadlines are Shanghai time; embed the zone so a scratch image has it.
	_ "time/tzdata"

	"github.com/jiesu/jiesu/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], cli.Env{Lookup: os.LookupEnv, Names: envNames, Stdout: os.Stdout, Stderr: os.Stderr})
	stop()
	os.Exit(code)
}

// envNames lists the names of the process's environment variables.
func envNames() []string {
	var names []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		names = append(names, name)
	}
	return names
}
