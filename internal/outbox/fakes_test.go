package outbox

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/jiesu/jiesu/bot"
	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/store"
)

// fakeStore is the outbox part of the store in memory, with the claim
// semantics of the SQL one: due pending items and expired leases, attempts
// counted at claim, marks ignored once an item left "sending" or another
// claim holds it, and a cancelled context failing a mark.
type fakeStore struct {
	mu       sync.Mutex
	items    map[int64]*cases.OutboxItem
	cases    map[int64]cases.Case
	nextID   int64
	claimErr error
	caseErr  error
	claimed  chan int // receives each claim's size when not nil
}

func newFakeStore() *fakeStore {
	return &fakeStore{items: map[int64]*cases.OutboxItem{}, cases: map[int64]cases.Case{}}
}

func (s *fakeStore) addCase(c cases.Case) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cases[c.ID] = c
}

func (s *fakeStore) queue(caseID int64, template cases.Template, to cases.Recipient, data map[string]string, at time.Time) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	s.items[s.nextID] = &cases.OutboxItem{
		ID: s.nextID, CaseID: caseID, Template: template, To: to, Data: data,
		DedupKey: fmt.Sprintf("case/%d/v1/%d/%s", caseID, s.nextID, template),
		State:    cases.OutboxPending, NextAttemptAt: at, CreatedAt: at,
	}
	return s.nextID
}

func (s *fakeStore) item(id int64) cases.OutboxItem {
	s.mu.Lock()
	defer s.mu.Unlock()
	return *s.items[id]
}

func (s *fakeStore) ClaimOutbox(_ context.Context, now time.Time, lease time.Duration, limit int) ([]cases.OutboxItem, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.claimErr != nil {
		return nil, s.claimErr
	}
	var ids []int64
	for id, it := range s.items {
		if (it.State == cases.OutboxPending && !it.NextAttemptAt.After(now)) ||
			(it.State == cases.OutboxSending && it.LeaseUntil.Before(now)) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	if len(ids) > limit {
		ids = ids[:limit]
	}
	out := make([]cases.OutboxItem, 0, len(ids))
	for _, id := range ids {
		it := s.items[id]
		it.State, it.LeaseUntil = cases.OutboxSending, now.Add(lease)
		it.Attempts++
		out = append(out, *it)
	}
	if s.claimed != nil {
		s.claimed <- len(out)
	}
	return out, nil
}

func (s *fakeStore) MarkSent(ctx context.Context, id int64, platform, msgID string, now time.Time) error {
	if err := ctx.Err(); err != nil {
		return err // as a query on a cancelled context fails
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	it, ok := s.items[id]
	if !ok {
		return cases.ErrNotFound
	}
	if it.State != cases.OutboxSent {
		it.State, it.SentAt, it.Platform, it.PlatformMsgID, it.LastError = cases.OutboxSent, now, platform, msgID, ""
	}
	return nil
}

func (s *fakeStore) RenewOutbox(ctx context.Context, id int64, attempt int, until time.Time) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	it, ok := s.items[id]
	if !ok || it.State != cases.OutboxSending || it.Attempts != attempt {
		return false, nil
	}
	it.LeaseUntil = until
	return true, nil
}

func (s *fakeStore) MarkRetry(ctx context.Context, id int64, attempt int, errText string, next time.Time) error {
	if err := ctx.Err(); err != nil {
		return err // as a query on a cancelled context fails
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	it, ok := s.items[id]
	if !ok {
		return cases.ErrNotFound
	}
	if it.State == cases.OutboxSending && it.Attempts == attempt {
		it.State, it.LastError, it.NextAttemptAt = cases.OutboxPending, errText, next
	}
	return nil
}

func (s *fakeStore) MarkDead(ctx context.Context, id int64, attempt int, errText string, _ time.Time) error {
	if err := ctx.Err(); err != nil {
		return err // as a query on a cancelled context fails
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	it, ok := s.items[id]
	if !ok {
		return cases.ErrNotFound
	}
	if it.State == cases.OutboxSending && it.Attempts == attempt {
		it.State, it.LastError = cases.OutboxDead, errText
	}
	return nil
}

func (s *fakeStore) MarkSentAs(ctx context.Context, claims []store.OutboxClaim, key string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range claims {
		if it, ok := s.items[c.ID]; !ok || it.State != cases.OutboxSending || it.Attempts != c.Attempt {
			return false, nil
		}
	}
	for _, c := range claims {
		s.items[c.ID].SentAs = key
	}
	return true, nil
}

func (s *fakeStore) GetCase(_ context.Context, id int64) (cases.Case, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.caseErr != nil {
		return cases.Case{}, s.caseErr
	}
	c, ok := s.cases[id]
	if !ok {
		return cases.Case{}, fmt.Errorf("case %d: %w", id, cases.ErrNotFound)
	}
	return c, nil
}

// fakeSender records what it is asked to send and answers with the next
// scripted error (nil once the script runs out).
type fakeSender struct {
	platform string
	mu       sync.Mutex
	sent     []bot.Outbound
	script   []error
	always   error
	onSend   func()          // runs on each send, outside the lock: a slow platform moves the fake clock
	timeouts []time.Duration // each send's time left on its context, as it started
}

func (f *fakeSender) Platform() string { return f.platform }

func (f *fakeSender) Send(ctx context.Context, out bot.Outbound) (bot.SendResult, error) {
	left := time.Duration(-1)
	if d, ok := ctx.Deadline(); ok {
		left = time.Until(d)
	}
	if f.onSend != nil {
		f.onSend()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sent = append(f.sent, out)
	f.timeouts = append(f.timeouts, left)
	err := f.always
	if len(f.script) > 0 {
		err, f.script = f.script[0], f.script[1:]
	}
	if err != nil {
		return bot.SendResult{}, err
	}
	return bot.SendResult{MessageID: fmt.Sprintf("%s-%d", f.platform, len(f.sent))}, nil
}

func (f *fakeSender) outbounds() []bot.Outbound {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.sent)
}

// fakeRecorder counts like the Prometheus counters do.
type fakeRecorder struct {
	mu        sync.Mutex
	delivered map[string]int
	failed    map[string]int // "platform/kind"
}

func newFakeRecorder() *fakeRecorder {
	return &fakeRecorder{delivered: map[string]int{}, failed: map[string]int{}}
}

func (r *fakeRecorder) Delivered(platform string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.delivered[platform]++
}

func (r *fakeRecorder) DeliveryFailed(platform, kind string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed[platform+"/"+kind]++
}
