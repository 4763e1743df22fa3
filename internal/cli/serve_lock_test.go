package cli

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jiesu/jiesu/internal/dirlock"
)

// Two servers on one SQLite data directory: the second refuses to start.
func TestSecondServerOnOneDataDirIsRefused(t *testing.T) {
	t.Parallel()
	cfg := embeddedConfig(t)
	first, err := build(context.Background(), cfg, wiring{})
	if err != nil {
		t.Fatal(err)
	}
	second, err := build(context.Background(), cfg, wiring{})
	if !errors.Is(err, dirlock.ErrLocked) || !strings.Contains(err.Error(), cfg.Server.DataDir) {
		if second != nil {
			second.close()
		}
		first.close()
		t.Fatalf("second server on one data directory: %v, want ErrLocked naming the directory", err)
	}
	first.close()
	again, err := build(context.Background(), cfg, wiring{})
	if err != nil {
		t.Fatalf("start after the first stopped: %v", err)
	}
	again.close()
}
