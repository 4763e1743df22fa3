package bot

import "time"

// Limit is a platform's rate limit that a delivery counts against: at most
// Max messages under Key in any Window. Keys name the platform's target
// (a WeCom robot, a member of a WeCom app) and must hold no secret: they
// are logged and kept in Redis.
type Limit struct {
	Key    string
	Max    int
	Window time.Duration
}

// Delivery is one independently delivered part of an outbound. The outbox
// sends, rate-limits and retries each on its own, so a part that went
// through is not repeated when another fails: WeCom posts a dispatch to the
// unit's group through the robot, which has no dedup key, and sends the
// 接单 card through the app, which has one.
type Delivery struct {
	// Part names it for the sender's Send (Outbound.Part).
	Part string
	// Template, when set, renders this part from another template than the
	// outbound's: a platform that updates cards closes them with its own
	// short text when the case is taken.
	Template string
	// Limits are the rate limits the part counts against; it is sent only
	// when every one has room.
	Limits []Limit
	// Fold, when set, lets the outbox fold parts that wait for room under
	// the same Fold key (the same target) into one digest message of at
	// most FoldMax parts, introduced by DigestTemplate.
	Fold           string
	FoldMax        int
	DigestTemplate string
}

// Planner is a Sender that delivers an outbound in parts, or under rate
// limits. Plan must be cheap and pure: the outbox calls it for every
// message. Given an Outbound with Part set, it returns that part alone
// (nil if the part is unknown).
type Planner interface {
	Plan(out Outbound) []Delivery
}
