// Package logsender is the Sender for platform "log": it writes each message
// to the log instead of a chat. It is what units without a chat platform,
// and every message before the real platforms exist, are delivered through,
// so the whole flow runs with no credentials at all.
//
// At info it logs only what identifies the message (template, case number,
// address, dedup key). The title and text can quote the complaint, so they
// go out at debug level only, per the logging rule in internal/logging.
package logsender

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync/atomic"

	"go.uber.org/zap"

	"github.com/jiesu/jiesu/bot"
)

// Sender logs messages. It never fails.
type Sender struct {
	log *zap.Logger
	// run distinguishes this process's ids from another replica's, so a
	// synthetic id stays unique in a shared database.
	run string
	seq atomic.Int64
}

// New returns a Sender writing to log (a no-op logger when nil).
func New(log *zap.Logger) *Sender {
	if log == nil {
		log = zap.NewNop()
	}
	var b [4]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read does not fail
	return &Sender{log: log.Named("logsender"), run: hex.EncodeToString(b[:])}
}

// Platform is "log".
func (s *Sender) Platform() string { return bot.PlatformLog }

// Send logs out and returns a synthetic message id.
func (s *Sender) Send(_ context.Context, out bot.Outbound) (bot.SendResult, error) {
	id := fmt.Sprintf("log-%s-%d", s.run, s.seq.Add(1))
	m := out.Message
	s.log.Info("message",
		zap.String("id", id),
		zap.String("template", m.Template),
		zap.String("case", m.CaseNumber),
		zap.String("kind", string(m.Kind)),
		zap.String("to", out.Address.Label),
		zap.String("address_kind", string(out.Address.Kind)),
		zap.Strings("address", out.Address.IDs),
		zap.Int("buttons", len(m.Actions)),
		zap.String("dedup_key", m.DedupKey),
	)
	if ce := s.log.Check(zap.DebugLevel, "message body"); ce != nil {
		ce.Write(zap.String("id", id), zap.String("text", m.PlainText()), zap.Any("actions", m.Actions))
	}
	return bot.SendResult{MessageID: id, Method: "log"}, nil
}
