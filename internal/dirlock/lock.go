// Package dirlock keeps a data directory to one server: SQLite's file
// locks let two processes write one database, but two servers on one data
// directory would each run the outbox and the sweeps, and could each
// generate a key file; one of them must refuse to start.
package dirlock

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// FileName is the lock file in the data directory. It stays after the
// server stops; only the lock on it, which the system drops when the
// process ends however it ends, says that a server runs.
const FileName = "jiesu.lock"

// ErrLocked is a data directory another server holds.
var ErrLocked = errors.New("data directory is in use by another jiesu server")

// Lock is a held lock on a data directory.
type Lock struct {
	f *os.File
}

// Acquire takes the data directory's lock without waiting, or fails with
// ErrLocked (naming the process id the holder wrote) when another server
// holds it.
func Acquire(dir string) (*Lock, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	path := filepath.Join(dir, FileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock data directory: %w", err)
	}
	if err := lockFile(f); err != nil {
		holder, _ := os.ReadFile(path)
		_ = f.Close()
		if errors.Is(err, errWouldBlock) {
			return nil, fmt.Errorf("%s: %w (pid %s); stop it, or give this one another server.data_dir", dir, ErrLocked, trimPID(holder))
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	// The pid is only for the message above; the lock is what counts.
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(fmt.Sprintf("%d\n", os.Getpid())), 0)
	}
	return &Lock{f: f}, nil
}

// Release drops the lock.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Close() // closing the file drops its lock
	l.f = nil
	return err
}

func trimPID(b []byte) string {
	s := string(b)
	for len(s) > 0 && (s[len(s)-1] == '\n' || s[len(s)-1] == '\r') {
		s = s[:len(s)-1]
	}
	if s == "" || len(s) > 20 {
		return "unknown"
	}
	return s
}
