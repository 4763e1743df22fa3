package wecom

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/bot/tencent"
)

// Error codes of WeCom that jiesu acts on (全局错误码); those the
// Official Account shares are in bot/tencent.
const (
	codeInvalidCorpID   = 40013
	codeInvalidAgentID  = 40056
	codeInvalidSecret   = 40091
	codeTaskIDUsed      = 42014 // template card task_id already used (or empty, or too long)
	codeConcurrency     = 45033 // too many concurrent calls
	codeAPIForbidden    = 48002 // the app may not call this API
	codeNoPrivilege     = 60011 // outside the app's visible range
	codeIPNotTrusted    = 60020 // the server's IP is not in the app's 企业可信IP
	codeAllInvalidUsers = 81013 // every receiver is invalid
)

// configCode reports an errcode that only the operator can cure: retrying
// cannot help, and the service is not ready until someone fixes WeCom's
// side or the configuration.
func configCode(code int64) bool {
	switch code {
	case codeIPNotTrusted, codeInvalidCorpID, codeInvalidAgentID, codeInvalidSecret, codeAPIForbidden, codeNoPrivilege:
		return true
	}
	return false
}

// hint is what the operator does about a configuration error.
func hint(code int64) string {
	switch code {
	case codeIPNotTrusted:
		return "add this server's public IP to the app's 企业可信IP in the WeCom admin console"
	case codeInvalidCorpID, codeInvalidSecret, codeInvalidAgentID:
		return "check wecom.corp_id, wecom.secret and wecom.agent_id"
	case codeAPIForbidden, codeNoPrivilege:
		return "widen the app's visible range or API permissions in the WeCom admin console"
	}
	return "check the WeCom configuration"
}

// classify turns an API failure into the outbox's SendError: rate limits
// and a busy server are retried (45009 after the minute the limit counts),
// a token that did not refresh too; everything else is permanent.
func classify(err error) error {
	var ae *tencent.APIError
	if !errors.As(err, &ae) {
		return err // transport: the worker retries
	}
	code := strconv.FormatInt(ae.Code, 10)
	switch {
	case ae.Code == tencent.CodeFrequency:
		return &bot.SendError{Code: code, Retryable: true, RetryAfter: time.Minute, Err: err}
	case ae.Code == codeConcurrency:
		return &bot.SendError{Code: code, Retryable: true, RetryAfter: time.Second, Err: err}
	case ae.Code == tencent.CodeBusy || tencent.TokenRefused(ae.Code):
		return &bot.SendError{Code: code, Retryable: true, Err: err}
	}
	return &bot.SendError{Code: code, Err: err}
}

// Health remembers the last configuration error WeCom answered, for
// /readyz: a message dead-lettered for a missing trusted IP must be seen by
// the operator, not only by whoever reads the logs.
type Health struct {
	mu    sync.Mutex
	err   *tencent.APIError
	since time.Time
	count int
}

// fail records a configuration error.
func (h *Health) fail(err *tencent.APIError, now time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.err == nil || h.err.Code != err.Code {
		h.since = now
		h.count = 0
	}
	h.err = err
	h.count++
}

// ok records a call that worked: the configuration is fixed.
func (h *Health) ok() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.err = nil
	h.count = 0
}

// Check is a readiness check: an error while WeCom refuses the app's
// configuration, until a later call succeeds.
func (h *Health) Check(context.Context) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.err == nil {
		return nil
	}
	return &HealthError{API: *h.err, Count: h.count, Since: h.since}
}

// HealthError is WeCom refusing the app's configuration, Count times since
// Since.
type HealthError struct {
	API   tencent.APIError
	Count int
	Since time.Time
}

func (e *HealthError) Error() string {
	return fmt.Sprintf("wecom: errcode %d (%s) on %s, %d time(s) since %s: messages are dead-lettered; %s",
		e.API.Code, e.API.Msg, e.API.API, e.Count, e.Since.UTC().Format(time.RFC3339), hint(e.API.Code))
}

// ReadyReason is the error without WeCom's errmsg, which can name this
// server's IP address: /readyz shows it to anyone.
func (e *HealthError) ReadyReason() string {
	return fmt.Sprintf("wecom: errcode %d on %s, %d time(s) since %s: messages are dead-lettered; %s",
		e.API.Code, e.API.API, e.Count, e.Since.UTC().Format(time.RFC3339), hint(e.API.Code))
}

// ErrNotMember is an OAuth visitor who is not a member of the corp.
var ErrNotMember = errors.New("wecom: not a member of the corp")
