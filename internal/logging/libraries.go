package logging

import (
	"context"
	"fmt"
	"io"

	"github.com/redis/go-redis/v9"
	"github.com/sirupsen/logrus"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// RouteLibraries sends what libraries log on their own through log, so
// that every line the process writes is one of log's: go-redis (its pool's
// dial failures), logrus (silenceper/wechat) and the standard library's log
// package. These are process-wide settings of those libraries, the only
// kind they offer; serve makes them once at start, and the returned func
// undoes the standard log's (the others have no undo).
func RouteLibraries(log *zap.Logger) (undo func()) {
	redis.SetLogger(redisLogger{log.Named("redis").WithOptions(zap.AddCallerSkip(1))})
	logrus.SetOutput(io.Discard)
	logrus.StandardLogger().ReplaceHooks(logrus.LevelHooks{})
	logrus.AddHook(logrusHook{log.Named("wechat")})
	return zap.RedirectStdLog(log.Named("stdlog"))
}

// redisLogger is go-redis's Logging on zap, at debug: go-redis writes a
// line for every dial that fails, many a second while Redis is down, and
// jiesu's own redis logger already says once when Redis goes and once
// when it comes back.
type redisLogger struct{ log *zap.Logger }

func (l redisLogger) Printf(_ context.Context, format string, v ...any) {
	l.log.Debug(fmt.Sprintf(format, v...))
}

// logrusHook forwards logrus entries at their level; logrus writes
// nothing itself.
type logrusHook struct{ log *zap.Logger }

func (logrusHook) Levels() []logrus.Level { return logrus.AllLevels }

func (h logrusHook) Fire(e *logrus.Entry) error {
	level := zapcore.InfoLevel
	switch {
	case e.Level <= logrus.ErrorLevel:
		level = zapcore.ErrorLevel
	case e.Level == logrus.WarnLevel:
		level = zapcore.WarnLevel
	case e.Level >= logrus.DebugLevel:
		level = zapcore.DebugLevel
	}
	if ce := h.log.Check(level, e.Message); ce != nil {
		fields := make([]zap.Field, 0, len(e.Data))
		for k, v := range e.Data {
			fields = append(fields, zap.Any(k, v))
		}
		ce.Write(fields...)
	}
	return nil
}
