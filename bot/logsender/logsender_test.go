package logsender

import (
	"context"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/jiesu/jiesu/bot"
)

var _ bot.Sender = (*Sender)(nil)

const secretText = "宿舍楼停水，我的电话13812345678"

func outbound() bot.Outbound {
	return bot.Outbound{
		Address: bot.Address{Platform: bot.PlatformLog, Kind: bot.AddressGroup, IDs: []string{"logistics"}, Label: "unit:logistics"},
		Message: bot.Message{
			Kind: bot.MessageCard, Template: "case_dispatched", Title: "新诉求 JS20261128-0042",
			Text: secretText, CaseNumber: "JS20261128-0042", DedupKey: "outbox-7",
			Actions: []bot.Button{{Key: "accept@JS20261128-0042", Label: "接单"}},
		},
	}
}

func TestInfoOmitsBody(t *testing.T) {
	t.Parallel()
	core, logs := observer.New(zapcore.InfoLevel)
	s := New(zap.New(core))
	if s.Platform() != bot.PlatformLog {
		t.Fatalf("Platform = %q", s.Platform())
	}
	res, err := s.Send(context.Background(), outbound())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(res.MessageID, "log-") {
		t.Errorf("MessageID = %q", res.MessageID)
	}
	entries := logs.All()
	if len(entries) != 1 {
		t.Fatalf("%d entries at info, want 1", len(entries))
	}
	fields := entries[0].ContextMap()
	if fields["template"] != "case_dispatched" || fields["case"] != "JS20261128-0042" || fields["to"] != "unit:logistics" {
		t.Errorf("info fields = %v", fields)
	}
	for k, v := range fields {
		if s, ok := v.(string); ok && (strings.Contains(s, "13812345678") || strings.Contains(s, "停水")) {
			t.Errorf("field %s carries the message text at info: %q", k, s)
		}
	}
}

func TestDebugHasBodyAndIDsAreUnique(t *testing.T) {
	t.Parallel()
	core, logs := observer.New(zapcore.DebugLevel)
	s := New(zap.New(core))
	a, _ := s.Send(context.Background(), outbound())
	b, _ := s.Send(context.Background(), outbound())
	if a.MessageID == b.MessageID {
		t.Fatalf("two sends share the id %q", a.MessageID)
	}
	bodies := logs.FilterMessage("message body").All()
	if len(bodies) != 2 || !strings.Contains(bodies[0].ContextMap()["text"].(string), secretText) {
		t.Fatalf("debug body entries = %v", bodies)
	}
}
