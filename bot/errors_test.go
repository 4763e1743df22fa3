package bot

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestSendErrorClassification(t *testing.T) {
	t.Parallel()
	base := errors.New("errcode=45015")
	cases := []struct {
		name      string
		err       error
		permanent bool
		after     time.Duration
	}{
		{"permanent", Permanent(base), true, 0},
		{"permanent wrapped", fmt.Errorf("send to wecom: %w", Permanent(base)), true, 0},
		{"retryable with wait", Retryable(base, 10*time.Minute), false, 10 * time.Minute},
		{"retryable wrapped", fmt.Errorf("x: %w", Retryable(base, 0)), false, 0},
		{"plain error retries", base, false, 0},
		{"deadline retries", context.DeadlineExceeded, false, 0},
		{"struct with code", &SendError{Code: "310000", Err: base}, true, 0},
	}
	for _, c := range cases {
		if got := IsPermanent(c.err); got != c.permanent {
			t.Errorf("%s: IsPermanent = %v, want %v", c.name, got, c.permanent)
		}
		if got := RetryAfter(c.err); got != c.after {
			t.Errorf("%s: RetryAfter = %v, want %v", c.name, got, c.after)
		}
	}
	if !errors.Is(Permanent(base), base) {
		t.Error("Permanent hides the cause from errors.Is")
	}
	if Permanent(nil) != nil || Retryable(nil, time.Second) != nil {
		t.Error("wrapping nil must give nil")
	}
	if got := ErrorCode(fmt.Errorf("w: %w", &SendError{Code: "42014", Err: base})); got != "42014" {
		t.Errorf("ErrorCode = %q", got)
	}
	if got := Permanentf("unit %s: %w", "x", ErrBadAddress); !IsPermanent(got) || !errors.Is(got, ErrBadAddress) {
		t.Errorf("Permanentf = %v", got)
	}
}

func TestActionKeyRoundTrip(t *testing.T) {
	t.Parallel()
	key := ActionKey(ActionCoAccept, "JS20261128-0042")
	if key != "co_accept@JS20261128-0042" {
		t.Fatalf("ActionKey = %q", key)
	}
	name, number, ok := ParseActionKey(key)
	if !ok || name != ActionCoAccept || number != "JS20261128-0042" {
		t.Fatalf("ParseActionKey = %q %q %v", name, number, ok)
	}
	if name, number, ok := ParseActionKey("query"); !ok || name != ActionQuery || number != "" {
		t.Fatalf("bare action = %q %q %v", name, number, ok)
	}
	if _, _, ok := ParseActionKey(""); ok {
		t.Fatal("empty key parsed")
	}
}

func TestPlainText(t *testing.T) {
	t.Parallel()
	m := Message{Title: "新诉求 JS1", Text: "类别：水电", Link: "http://x/c/JS1"}
	if got, want := m.PlainText(), "新诉求 JS1\n类别：水电\nhttp://x/c/JS1"; got != want {
		t.Fatalf("PlainText = %q, want %q", got, want)
	}
	m.Text = "详情 http://x/c/JS1"
	if got, want := m.PlainText(), "新诉求 JS1\n详情 http://x/c/JS1"; got != want {
		t.Fatalf("PlainText repeats the link: %q", got)
	}
}
