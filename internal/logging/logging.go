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

// New returns a logger at cfg.Level (default info) in cfg.Format (default
// json).
func New(cfg config.Log) (*zap.Logger, error) {
	level := zapcore.InfoLevel
	if cfg.Level != "" {
		l, err := zapcore.ParseLevel(strings.ToLower(cfg.Level))
		if err != nil {
			return nil, fmt.Errorf("log.level %q: %w", cfg.Level, ErrBadConfig)
		}
		level = l
	}
	var zc zap.Config
	switch strings.ToLower(cfg.Format) {
	case "", FormatJSON:
		zc = zap.NewProductionConfig()
		// ISO 8601 rather than epoch seconds: people read these too.
		zc.EncoderConfig.TimeKey = "ts"
		zc.EncoderConfig.EncodeTime = zapcore.ISO8601TimeEncoder
	case FormatConsole:
		zc = zap.NewDevelopmentConfig()
		zc.EncoderConfig.EncodeLevel = zapcore.CapitalColorLevelEncoder
	default:
		return nil, fmt.Errorf("log.format %q (want json or console): %w", cfg.Format, ErrBadConfig)
	}
	zc.Level = zap.NewAtomicLevelAt(level)
	log, err := zc.Build()
	if err != nil {
		return nil, fmt.Errorf("build logger: %w", err)
	}
	return log, nil
}
