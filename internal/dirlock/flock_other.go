//go:build !unix

package dirlock

import (
	"errors"
	"os"
)

var errWouldBlock = errors.New("would block")

// lockFile does nothing where flock(2) is missing: jiesu ships for Linux
// (see the Dockerfile), and elsewhere runs as it did before the lock.
func lockFile(*os.File) error { return nil }
