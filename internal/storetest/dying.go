package storetest

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/jiesu/jiesu/internal/store"
)

// ErrKilled is what a Dying store answers once its replica is dead.
var ErrKilled = errors.New("the replica was killed")

// Dying is a replica's view of the store that dies (stops recording what
// its outbox worker did) once Dead is set: what a process killed with
// kill -9 leaves behind. Reads still work, as another replica's would.
type Dying struct {
	*store.Store
	Dead atomic.Bool
}

func (d *Dying) MarkSent(ctx context.Context, id int64, platform, msgID string, now time.Time) error {
	if d.Dead.Load() {
		return ErrKilled
	}
	return d.Store.MarkSent(ctx, id, platform, msgID, now)
}

func (d *Dying) MarkRetry(ctx context.Context, id int64, attempt int, errText string, next time.Time) error {
	if d.Dead.Load() {
		return ErrKilled
	}
	return d.Store.MarkRetry(ctx, id, attempt, errText, next)
}

func (d *Dying) MarkDead(ctx context.Context, id int64, attempt int, errText string, now time.Time) error {
	if d.Dead.Load() {
		return ErrKilled
	}
	return d.Store.MarkDead(ctx, id, attempt, errText, now)
}

func (d *Dying) MarkSentAs(ctx context.Context, claims []store.OutboxClaim, key string) (bool, error) {
	if d.Dead.Load() {
		return false, ErrKilled
	}
	return d.Store.MarkSentAs(ctx, claims, key)
}

func (d *Dying) DeferOutbox(ctx context.Context, id int64, attempt int, next time.Time, foldKey string, foldMax int) error {
	if d.Dead.Load() {
		return ErrKilled
	}
	return d.Store.DeferOutbox(ctx, id, attempt, next, foldKey, foldMax)
}

func (d *Dying) Unfold(ctx context.Context, ids []int64) error {
	if d.Dead.Load() {
		return ErrKilled
	}
	return d.Store.Unfold(ctx, ids)
}
