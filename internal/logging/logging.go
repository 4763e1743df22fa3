// Package logging builds jiesu's zap logger from the configuration.
//
// The rule every package follows: no complainant's phone number, name or
// message text at info level or above. Those lines are kept, shipped and
// read by operators who have no right to see a complaint. Log the case
// number, the template, the channel, ids and counts; a complaint's text or
// a rendered message body may appear at debug level only, which production
// does not enable. Sealed values (cases.Complainant.*Sealed) never appear at
// all, and masked ones (NameMasked, ContactMasked) only where a person
// needs them, not in logs.
package logging

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/jiesu/jiesu/internal/config"
)

// Formats of log.format.
const (
	FormatJSON    = "json"    // production: one JSON object a line, for a collector
	FormatConsole = "console" // development: coloured, readable lines
)

// ErrBadConfig is a log.level or log.format zap cannot use.
var ErrBadConfig = errors.New("bad log configuration")

// NewTo returns a logger writing to w at cfg.Level (default info) in
// cfg.Format (default json). Nothing is sampled: zap's production preset
// drops repeated lines under load, and the access log promises one line
// per request.
func NewTo(cfg config.Log, w io.Writer) (*zap.Logger, error) {
	level := zapcore.InfoLevel
	if cfg.Level != "" {
		l, err := zapcore.ParseLevel(strings.ToLower(cfg.Level))
		if err != nil {
			return nil, fmt.Errorf("log.level %q: %w", cfg.Level, ErrBadConfig)
		}
		level = l
	}
	var enc zapcore.Encoder
	stack := zapcore.ErrorLevel
	switch strings.ToLower(cfg.Format) {
	case "", FormatJSON:
		ec := zap.NewProductionEncoderConfig()
		// ISO 8601 rather than epoch seconds: people read these too.
		ec.TimeKey = "ts"
		ec.EncodeTime = zapcore.ISO8601TimeEncoder
		enc = zapcore.NewJSONEncoder(ec)
	case FormatConsole:
		ec := zap.NewDevelopmentEncoderConfig()
		ec.EncodeLevel = zapcore.CapitalColorLevelEncoder
		enc, stack = zapcore.NewConsoleEncoder(ec), zapcore.WarnLevel
	default:
		return nil, fmt.Errorf("log.format %q (want json or console): %w", cfg.Format, ErrBadConfig)
	}
	out := zapcore.Lock(zapcore.AddSync(w))
	core := zapcore.NewCore(enc, out, level)
	return zap.New(core, zap.AddCaller(), zap.AddStacktrace(stack), zap.ErrorOutput(out)), nil
}
