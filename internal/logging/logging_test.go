package logging

import (
	"errors"
	"io"
	"testing"

	"go.uber.org/zap/zapcore"

	"github.com/jiesu/jiesu/internal/config"
)

func TestNew(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		cfg   config.Log
		level zapcore.Level
	}{
		{config.Log{}, zapcore.InfoLevel},
		{config.Log{Level: "debug", Format: "json"}, zapcore.DebugLevel},
		{config.Log{Level: "WARN", Format: "console"}, zapcore.WarnLevel},
		{config.Log{Level: "error", Format: "JSON"}, zapcore.ErrorLevel},
	} {
		log, err := NewTo(c.cfg, io.Discard)
		if err != nil {
			t.Errorf("%+v: %v", c.cfg, err)
			continue
		}
		if !log.Core().Enabled(c.level) || (c.level > zapcore.DebugLevel && log.Core().Enabled(c.level-1)) {
			t.Errorf("%+v: not at level %v", c.cfg, c.level)
		}
	}
}

func TestNewRefuses(t *testing.T) {
	t.Parallel()
	for _, cfg := range []config.Log{{Level: "loud"}, {Format: "xml"}} {
		if _, err := NewTo(cfg, io.Discard); !errors.Is(err, ErrBadConfig) {
			t.Errorf("%+v: err = %v, want ErrBadConfig", cfg, err)
		}
	}
}
