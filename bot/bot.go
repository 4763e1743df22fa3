// Package bot is the seam between jiesu's core and the chat platforms
// (WeChat Official Account, WeCom, DingTalk, the browser sandbox). Each
// platform lives in one folder below this one and is the only code that
// knows its wire format; above it, the core speaks the neutral types here:
// an Inbound comes in and is handled, an Outbound goes out through a Sender.
//
// The types carry what every platform can express and a little that only
// some can (fields, buttons, a dedup key). A platform that cannot show a
// part degrades it (a card becomes text plus a link), so the core never has
// to ask which platform a unit uses.
package bot

import "context"

// Platform names, the keys by which senders are found. Configuration uses
// the same words (units[].chat.platform).
const (
	PlatformWeChat   = "wechat"   // Official Account, for students
	PlatformWeCom    = "wecom"    // 企业微信, for units
	PlatformDingTalk = "dingtalk" // 钉钉, for units
	PlatformSandbox  = "sandbox"  // the in-process chat a browser drives
	PlatformLog      = "log"      // writes messages to the log: the default until a platform is configured
	// PlatformNone marks a message that had no chat path at all (a hotline
	// complainant is called back by phone); nothing was sent.
	PlatformNone = "none"
)

// Sender delivers outbound messages on one platform. Send is called by the
// outbox worker, which retries: an implementation should make a retry of
// the same Outbound harmless where the platform allows it (DedupKey) and
// report errors through SendError so the worker knows whether to retry.
type Sender interface {
	// Platform is the name senders are registered under, e.g. "wecom".
	Platform() string
	Send(ctx context.Context, out Outbound) (SendResult, error)
}

// Handler is the core as a platform sees it: every inbound message or
// button press goes to Handle, and the Reply is what the platform may answer
// synchronously (WeChat's passive reply, a WeCom card's button text, a
// DingTalk callback's body). Anything slower goes through the outbox.
type Handler interface {
	Handle(ctx context.Context, in Inbound) (Reply, error)
}

// HandlerFunc lets a function be a Handler.
type HandlerFunc func(ctx context.Context, in Inbound) (Reply, error)

// Handle calls f.
func (f HandlerFunc) Handle(ctx context.Context, in Inbound) (Reply, error) { return f(ctx, in) }

// Reply is the synchronous answer to an Inbound. An empty Text means "say
// nothing" (WeChat "success", an empty 200, DingTalk {"msgtype":"empty"}).
type Reply struct {
	Text string
}

// Empty reports whether there is nothing to say.
func (r Reply) Empty() bool { return r.Text == "" }
