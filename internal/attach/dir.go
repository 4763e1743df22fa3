// Package attach keeps the files complainants send (photos of a broken
// pipe): a directory by default, each file named by its content's SHA-256,
// so a file stored twice is one file, and a retried download changes
// nothing.
package attach

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"os"
	"path/filepath"
	"strings"
)

// DefaultMaxBytes bounds one file: WeChat's images are at most 10 MB.
const DefaultMaxBytes = 10 << 20

// ErrTooLarge is a file over the store's limit.
var ErrTooLarge = errors.New("attachment too large")

// Stored is where a file went.
type Stored struct {
	Path        string // relative to the store, e.g. "ab/ab12….jpg"
	Size        int64
	SHA256      string
	ContentType string
}

// Dir stores files under a root directory.
type Dir struct {
	root     string
	maxBytes int64
}

// NewDir returns a store rooted at root, creating it (0700: complainants'
// photos are personal data).
func NewDir(root string) (*Dir, error) {
	if root == "" {
		return nil, errors.New("attach: a directory is required")
	}
	if err := os.MkdirAll(root, 0o700); err != nil {
		return nil, fmt.Errorf("attach: %w", err)
	}
	return &Dir{root: root, maxBytes: DefaultMaxBytes}, nil
}

// Put copies r (at most the limit) into the store and returns where it is.
func (d *Dir) Put(ctx context.Context, r io.Reader, contentType string) (Stored, error) {
	tmp, err := os.CreateTemp(d.root, ".upload-*")
	if err != nil {
		return Stored{}, fmt.Errorf("attach: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(ctxReader{ctx, r}, d.maxBytes+1))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return Stored{}, fmt.Errorf("attach: %w", err)
	}
	if n > d.maxBytes {
		return Stored{}, fmt.Errorf("attach: %d bytes or more: %w", n, ErrTooLarge)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	rel := filepath.Join(sum[:2], sum+extension(contentType))
	full := filepath.Join(d.root, rel)
	if err := os.MkdirAll(filepath.Dir(full), 0o700); err != nil {
		return Stored{}, fmt.Errorf("attach: %w", err)
	}
	if err := os.Rename(tmp.Name(), full); err != nil {
		return Stored{}, fmt.Errorf("attach: %w", err)
	}
	return Stored{Path: filepath.ToSlash(rel), Size: n, SHA256: sum, ContentType: contentType}, nil
}

// Open returns a stored file.
func (d *Dir) Open(rel string) (*os.File, error) {
	clean := filepath.Clean(filepath.FromSlash(rel))
	if filepath.IsAbs(clean) || strings.HasPrefix(clean, "..") {
		return nil, fmt.Errorf("attach: bad path %q", rel)
	}
	return os.Open(filepath.Join(d.root, clean))
}

// extension picks a file extension for a content type; unknown types get
// none, which is harmless.
func extension(contentType string) string {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return ""
	}
	switch mt {
	case "image/jpeg":
		return ".jpg"
	case "image/png":
		return ".png"
	case "image/gif":
		return ".gif"
	case "audio/amr":
		return ".amr"
	}
	return ""
}

// ctxReader stops a copy when the context ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
