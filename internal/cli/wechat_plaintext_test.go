package cli

import (
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/jiesu/jiesu/bot/fakes"
	"github.com/jiesu/jiesu/internal/cache"
	"github.com/jiesu/jiesu/internal/clock"
)

// Plaintext mode signs the URL, not the body: the channel refuses to start
// in it unless allowed for testing, and warns on every start when it is.
func TestWeChatPlaintextModeWarnsOnStart(t *testing.T) {
	t.Parallel()
	clk := clock.NewFake(studentStart)
	fake := fakes.NewFakeWeChat(t, clk)
	for _, tc := range []struct {
		name  string
		key   string
		warns bool
	}{
		{"plaintext allowed", "", true},
		{"safe mode", fakes.FakeWeChatAESKey, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := studentConfig(t, fake)
			cfg.WeChat.EncodingAESKey = tc.key
			cfg.WeChat.AllowPlaintext = false
			if err := cfg.Validate(); (err != nil) != (tc.key == "") {
				t.Fatalf("validate without wechat.allow_plaintext: %v", err)
			}
			cfg.WeChat.AllowPlaintext = true
			if err := cfg.Validate(); err != nil {
				t.Fatal(err)
			}
			core, logs := observer.New(zapcore.WarnLevel)
			// The sender reads no complainant here: no store.
			_ = newStudents(cfg, nil, clk, zap.New(core), cache.NewMemory(clk), nil)
			warned := false
			for _, e := range logs.All() {
				warned = warned || strings.Contains(e.Message, "plaintext mode")
			}
			if warned != tc.warns {
				t.Errorf("warned about plaintext mode: %v, want %v (logs %v)", warned, tc.warns, logs.All())
			}
		})
	}
}
