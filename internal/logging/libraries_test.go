package logging

import (
	"bytes"
	"context"
	"encoding/json"
	stdlog "log"
	"strings"
	"testing"

	"github.com/sirupsen/logrus"

	"github.com/jiesu/jiesu/internal/config"
)

// Not parallel: the libraries' loggers are process-wide.
func TestLibrariesLogThroughZap(t *testing.T) {
	var buf bytes.Buffer
	log, err := NewTo(config.Log{Level: "debug"}, &buf)
	if err != nil {
		t.Fatal(err)
	}
	undo := RouteLibraries(log)
	defer undo()
	stdlog.Print("http: TLS handshake error from 10.0.0.9:5555: EOF")
	logrus.Error("Validate Signature Failed.")
	logrus.Debugf("request msg =%s", "<xml>投诉内容</xml>") // logrus's own level (info) drops it
	redisLogger{log.Named("redis")}.Printf(context.Background(), "redis: connection pool: failed to dial after %d attempts: %s", 5, "connection refused")

	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	want := []struct{ logger, level, msg string }{
		{"stdlog", "info", "http: TLS handshake error"},
		{"wechat", "error", "Validate Signature Failed."},
		{"redis", "debug", "failed to dial after 5 attempts"},
	}
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(want), buf.String())
	}
	for i, w := range want {
		var line map[string]any
		if err := json.Unmarshal([]byte(lines[i]), &line); err != nil {
			t.Fatalf("line %d is not JSON: %s", i, lines[i])
		}
		if line["logger"] != w.logger || line["level"] != w.level || !strings.Contains(line["msg"].(string), w.msg) {
			t.Errorf("line %d = %v, want %+v", i, line, w)
		}
	}
}

func TestNothingIsSampled(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	log, err := NewTo(config.Log{}, &buf)
	if err != nil {
		t.Fatal(err)
	}
	const n = 1000
	for range n {
		log.Info("request")
	}
	if got := strings.Count(buf.String(), "\n"); got != n {
		t.Errorf("%d of %d identical lines written", got, n)
	}
}
