package cli

import (
	"fmt"
	"os"
)

// writableDir makes dir if need be and checks that jiesu can write in it.
// SQLite says only "unable to open database file" of a directory it
// cannot write, and a container's volume owned by root is the commonest
// first-start mistake, so the check names the directory and the reason.
func writableDir(dir string) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("data directory %s (server.data_dir): %w", dir, err)
	}
	f, err := os.CreateTemp(dir, ".jiesu-write-check-*")
	if err != nil {
		return fmt.Errorf("data directory %s (server.data_dir) is not writable by uid %d: %w", dir, os.Getuid(), err)
	}
	name := f.Name()
	_ = f.Close()
	_ = os.Remove(name)
	return nil
}
