package attach

import (
	"bytes"
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

func TestPutIsContentAddressed(t *testing.T) {
	t.Parallel()
	d, err := NewDir(filepath.Join(t.TempDir(), "a"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s1, err := d.Put(ctx, strings.NewReader("jpeg bytes"), "image/jpeg")
	if err != nil {
		t.Fatal(err)
	}
	s2, err := d.Put(ctx, strings.NewReader("jpeg bytes"), "image/jpeg")
	if err != nil || s2 != s1 {
		t.Fatalf("second put = %+v, %v; want %+v", s2, err, s1)
	}
	if s1.Size != 10 || len(s1.SHA256) != 64 || !strings.HasSuffix(s1.Path, ".jpg") || !strings.HasPrefix(s1.Path, s1.SHA256[:2]+"/") {
		t.Errorf("stored = %+v", s1)
	}
	f, err := d.Open(s1.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if b, _ := io.ReadAll(f); string(b) != "jpeg bytes" {
		t.Errorf("read back %q", b)
	}
	if _, err := d.Open("../../etc/passwd"); err == nil {
		t.Error("opened a path outside the store")
	}
}

func TestPutRefusesOversize(t *testing.T) {
	t.Parallel()
	d, err := NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	d.maxBytes = 8
	if _, err := d.Put(context.Background(), bytes.NewReader(make([]byte, 9)), "image/png"); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v", err)
	}
	left, _ := filepath.Glob(filepath.Join(d.root, "*", "*"))
	tmp, _ := filepath.Glob(filepath.Join(d.root, ".upload-*"))
	if len(left)+len(tmp) != 0 {
		t.Errorf("left files behind: %v %v", left, tmp)
	}
}
