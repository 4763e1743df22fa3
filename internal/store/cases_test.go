package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// fullCase sets every field of a case, with times that are not whole
// seconds, so that a round trip proves each column.
func fullCase(mergedInto int64) cases.Case {
	us := func(n int) time.Time { return at(time.Duration(n)*time.Hour + 123456*time.Microsecond) }
	return cases.Case{
		Channel:    cases.ChannelCity12345,
		ChannelRef: "GD-2026-000042",
		Complainant: cases.Complainant{
			Identity: "openid-x", NameSealed: "v1:sealed-name", ContactSealed: "v1:sealed-phone",
			NameMasked: "李*", ContactMasked: "139****0000", NoContact: true,
		},
		Content: "食堂价格 100% 上涨_quickly", Place: "二食堂", Category: "canteen",
		Tier: cases.TierUrgent, State: cases.StateRated,
		TierRaisedFrom: cases.TierGeneral, TierEvidence: []string{"着火了", "<b>困在</b>\a电梯"},
		LeadUnit: "logistics", FirstHandler: "m-7",
		CoUnits: []cases.Assignment{
			{Unit: "security", State: cases.AssignmentReported, AcceptedBy: "m-9", AcceptedAt: us(2), Report: "巡查完毕", ReportedAt: us(3), DueBy: us(4)},
			{Unit: "finance", State: cases.AssignmentDispatched, DueBy: us(4)}, // zero times stay zero
		},
		RouteReasons: []string{"keyword 食堂", "place 二食堂"},
		RegisteredAt: us(0), DispatchedAt: us(1), AcceptedAt: us(2), ContactedAt: us(3), ResolvedAt: us(5),
		FeedbackAt: us(6), RatedAt: us(7), ClosedAt: us(8), UpdatedAt: us(9),
		ContactBy: us(1), ResolveBy: us(10),
		Extension: &cases.Extension{Until: us(10), Reason: "等待配件", RequestedBy: "m-7", RequestedAt: us(4),
			Status: cases.ExtensionApproved, DecidedBy: "office-1", DecidedAt: us(4), Note: "同意"},
		Result: "已调价", Report: "书面报告", Rating: cases.RatingBasicallySatisfied, Reopens: 2,
		MergedInto: mergedInto, Confidential: true, AccusesOfficial: true,
		Exclusion: &cases.Exclusion{Reason: cases.ExcludeLegal, Note: "涉诉", ApprovedBy: "office-1", At: us(8)},
		Version:   7,
	}
}

func TestCaseRoundTrip(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		primary := dispatched(t, s)
		full := fullCase(primary.ID)
		events := []cases.Event{
			{Kind: "register", Actor: "op-1", ActorUnit: "student_affairs", At: full.RegisteredAt, To: cases.StateRegistered,
				Data: map[string]any{"channel": "city_12345", "n": 2.5, "ok": true, "list": []any{"a", "b"}, "obj": map[string]any{"k": "v"}}},
			{Kind: "dispatch", Actor: "office-1", At: full.DispatchedAt, From: cases.StateRegistered, To: cases.StateDispatched, Note: "急"},
		}
		msgs := []cases.Message{
			{Template: "case_dispatched", To: cases.Recipient{Kind: cases.ToUnit, ID: "logistics"}},
			{Template: "case_co_dispatched", To: cases.Recipient{Kind: cases.ToUnit, ID: "security"}, Data: map[string]string{"lead_unit": "logistics"}},
			{Template: "case_result", To: cases.Recipient{Kind: cases.ToComplainant}},
		}
		c, created, err := s.CreateCase(ctx, cases.Outcome{Case: full, Events: events, Messages: msgs}, store.CreateKey{})
		if err != nil || !created {
			t.Fatalf("create: created=%v, %v", created, err)
		}
		if c.ID == 0 || c.Number != "JS20261128-0002" {
			t.Fatalf("create gave id %d number %q", c.ID, c.Number)
		}
		want := full
		want.ID, want.Number = c.ID, c.Number
		if d := storetest.Diff(want, c); d != "" {
			t.Errorf("CreateCase returned a different case: %s", d)
		}
		for _, get := range []func() (cases.Case, error){
			func() (cases.Case, error) { return s.GetCase(ctx, c.ID) },
			func() (cases.Case, error) { return s.GetCaseByNumber(ctx, c.Number) },
		} {
			got, err := get()
			if err != nil {
				t.Fatal(err)
			}
			if d := storetest.Diff(want, got); d != "" {
				t.Errorf("read back: %s", d)
			}
		}

		gotEvents, err := s.Events(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for i := range events {
			events[i].CaseID = c.ID
		}
		if d := storetest.Diff(events, gotEvents); d != "" {
			t.Errorf("events: %s", d)
		}

		items, err := s.ListOutbox(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != len(msgs) {
			t.Fatalf("outbox has %d items, want %d", len(items), len(msgs))
		}
		keys := map[string]bool{}
		for i, it := range items {
			m := msgs[i]
			if it.CaseID != c.ID || it.Template != m.Template || it.To != m.To || storetest.Diff(m.Data, it.Data) != "" {
				t.Errorf("outbox[%d] = %+v, want %+v", i, it, m)
			}
			if it.State != cases.OutboxPending || it.Attempts != 0 || !it.NextAttemptAt.Equal(full.UpdatedAt) ||
				!it.CreatedAt.Equal(full.UpdatedAt) || !it.LeaseUntil.IsZero() || !it.SentAt.IsZero() {
				t.Errorf("outbox[%d] not freshly pending: %+v", i, it)
			}
			if it.DedupKey == "" || keys[it.DedupKey] {
				t.Errorf("outbox[%d] dedup key %q empty or repeated", i, it.DedupKey)
			}
			keys[it.DedupKey] = true
		}
	})
}

func TestMinimalCaseRoundTrip(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		// Every optional field empty: zero times, no extension, exclusion,
		// reasons or co-units must read back as exactly that.
		minimal := cases.Case{Channel: cases.ChannelWeb, Content: "x", Tier: cases.TierGeneral,
			State: cases.StateRegistered, RegisteredAt: at(0), UpdatedAt: at(0), Version: 1}
		c, _, err := s.CreateCase(ctx, cases.Outcome{Case: minimal}, store.CreateKey{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.GetCase(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		minimal.ID, minimal.Number = c.ID, c.Number
		if d := storetest.Diff(minimal, got); d != "" {
			t.Error(d)
		}
		if got.Extension != nil || got.Exclusion != nil || got.CoUnits != nil || got.RouteReasons != nil || !got.DispatchedAt.IsZero() {
			t.Errorf("empty fields came back set: extension %+v, exclusion %+v, co-units %+v, route reasons %q, dispatched at %v", got.Extension, got.Exclusion, got.CoUnits, got.RouteReasons, got.DispatchedAt)
		}
	})
}

func TestGetMissingCase(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_, err := s.GetCase(ctx, 4242)
		mustNotFound(t, err)
		if err.Error() != "case 4242: not found" {
			t.Errorf("error lacks context: %q", err)
		}
		_, err = s.GetCaseByNumber(ctx, "JS20261128-9999")
		mustNotFound(t, err)
		out := storetest.NewCase(t, at(0), "logistics")
		out.Case.ID, out.Case.Version = 4242, 2
		mustNotFound(t, s.ApplyOutcome(ctx, 1, out))
	})
}

func TestApplyOutcome(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := dispatched(t, s, func(in *cases.Intake) { in.CoUnits = []string{"security", "finance"} })
		if len(c.CoUnits) != 2 {
			t.Fatalf("co-units not created: %+v", c.CoUnits)
		}
		c = storetest.Transition(t, s, c, storetest.Handler("logistics", "m-1"), cases.Command{Action: cases.ActionAccept}, at(time.Minute))
		c = storetest.Transition(t, s, c, storetest.Handler("security", "m-2"), cases.Command{Action: cases.ActionCoReport, Report: "done"}, at(2*time.Minute))
		got, err := s.GetCase(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d := storetest.Diff(c, got); d != "" {
			t.Fatalf("after transitions: %s", d)
		}
		if got.State != cases.StateAccepted || got.Version != 3 || got.CoUnits[0].State != cases.AssignmentReported || got.CoUnits[1].Unit != "finance" {
			t.Fatalf("case is %s at version %d with co-units %+v; want accepted at 3, the first co-unit reported, the second finance", got.State, got.Version, got.CoUnits)
		}
		evs, err := s.Events(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, e := range evs {
			kinds = append(kinds, e.Kind)
		}
		if fmt.Sprint(kinds) != "[register dispatch accept co_report]" {
			t.Errorf("events %v", kinds)
		}
		// A return clears the co-units: the stored assignments follow.
		c = storetest.Transition(t, s, c, storetest.Handler("logistics", "m-1"), cases.Command{Action: cases.ActionReturn, Reason: "not ours"}, at(3*time.Minute))
		if got, _ := s.GetCase(ctx, c.ID); len(got.CoUnits) != 0 || got.LeadUnit != "" {
			t.Errorf("after return: co-units %+v, lead %q", got.CoUnits, got.LeadUnit)
		}
	})
}

func TestApplyOutcomeStaleVersion(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := dispatched(t, s)
		// Two members press 接单 on the same version; the second loses.
		first := storetest.Apply(t, c, storetest.Handler("logistics", "m-1"), cases.Command{Action: cases.ActionAccept}, at(time.Minute))
		second := storetest.Apply(t, c, storetest.Handler("logistics", "m-2"), cases.Command{Action: cases.ActionAccept}, at(2*time.Minute))
		if err := s.ApplyOutcome(ctx, c.Version, first); err != nil {
			t.Fatal(err)
		}
		events, outbox := countRows(t, s, "case_events"), countRows(t, s, "outbox")
		err := s.ApplyOutcome(ctx, c.Version, second)
		if !errors.Is(err, cases.ErrConflict) {
			t.Fatalf("stale apply: want ErrConflict, got %v", err)
		}
		if e, o := countRows(t, s, "case_events"), countRows(t, s, "outbox"); e != events || o != outbox {
			t.Errorf("stale apply wrote: events %d→%d, outbox %d→%d", events, e, outbox, o)
		}
		got, _ := s.GetCase(ctx, c.ID)
		if got.FirstHandler != "m-1" || got.Version != c.Version+1 {
			t.Errorf("the winner's write changed: first handler %q, version %d; want m-1 at %d", got.FirstHandler, got.Version, c.Version+1)
		}
	})
}

func TestApplyOutcomeAllOrNothing(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := dispatched(t, s)
		out := storetest.Apply(t, c, storetest.Handler("logistics", "m-1"), cases.Command{Action: cases.ActionAccept}, at(time.Minute))
		// An event without a time violates NOT NULL after the case update
		// has run: the update must roll back with it.
		out.Events = append(out.Events, cases.Event{Kind: "broken"})
		before := countRows(t, s, "outbox")
		if err := s.ApplyOutcome(ctx, c.Version, out); err == nil {
			t.Fatal("a broken event was stored")
		}
		got, _ := s.GetCase(ctx, c.ID)
		if got.Version != c.Version || got.State != cases.StateDispatched || countRows(t, s, "outbox") != before {
			t.Errorf("partial write: case %s at version %d (want dispatched at %d), outbox %d rows (want %d)", got.State, got.Version, c.Version, countRows(t, s, "outbox"), before)
		}
	})
}

func TestCreateDuplicateChannelRef(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		out := storetest.NewCase(t, at(0), "logistics", func(in *cases.Intake) {
			in.Channel, in.ChannelRef = cases.ChannelWeChatOA, "msg-123"
		})
		ids := createConcurrently(t, s, 50, out, func(int) store.CreateKey { return store.CreateKey{} })
		assertOneCase(t, s, ids)
		// The same reference on another channel is another case.
		other := storetest.NewCase(t, at(0), "logistics", func(in *cases.Intake) {
			in.Channel, in.ChannelRef = cases.ChannelDingTalk, "msg-123"
		})
		if _, created, err := s.CreateCase(context.Background(), other, store.CreateKey{}); err != nil || !created {
			t.Errorf("other channel: created=%v, %v", created, err)
		}
	})
}

func TestCreateDuplicateIdempotencyKey(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		out := storetest.NewCase(t, at(0), "logistics", func(in *cases.Intake) { in.Channel = cases.ChannelHotline1234 })
		key := store.CreateKey{IdempotencyKey: "form-77", MemberID: "op-1"}
		ids := createConcurrently(t, s, 50, out, func(int) store.CreateKey { return key })
		assertOneCase(t, s, ids)
		// The same key from another member is another case.
		if _, created, err := s.CreateCase(context.Background(), out, store.CreateKey{IdempotencyKey: "form-77", MemberID: "op-2"}); err != nil || !created {
			t.Errorf("other member: created=%v, %v", created, err)
		}
	})
}

// createConcurrently creates out n times at once and returns the ids the
// callers got; exactly one must report created.
func createConcurrently(t *testing.T, s *store.Store, n int, out cases.Outcome, key func(int) store.CreateKey) []int64 {
	t.Helper()
	ids := make([]int64, n)
	errs := make([]error, n)
	created := make([]bool, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			c, ok, err := s.CreateCase(context.Background(), out, key(i))
			ids[i], created[i], errs[i] = c.ID, ok, err
		})
	}
	close(start)
	wg.Wait()
	winners := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("create %d: %v", i, errs[i])
		}
		if created[i] {
			winners++
		}
	}
	if winners != 1 {
		t.Fatalf("%d callers created the case, want 1", winners)
	}
	return ids
}

func assertOneCase(t *testing.T, s *store.Store, ids []int64) {
	t.Helper()
	for i, id := range ids {
		if id != ids[0] || id == 0 {
			t.Fatalf("caller %d got case %d, caller 0 got %d", i, id, ids[0])
		}
	}
	if n := countRows(t, s, "cases"); n != 1 {
		t.Fatalf("%d cases stored, want 1", n)
	}
	// The losers wrote nothing else either.
	if e, o := countRows(t, s, "case_events"), countRows(t, s, "outbox"); e != 2 || o != 1 {
		t.Errorf("events %d (want 2), outbox %d (want 1)", e, o)
	}
	// One counter row for the day.
	if n := countRows(t, s, "case_sequences"); n != 1 {
		t.Errorf("%d sequence rows", n)
	}
}

func TestCaseNumbersConcurrent(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		n := 500
		if s.Dialect() == store.DialectSQLite {
			n = 100 // one connection: this measures nothing more at 500
		}
		numbers := make([]string, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				// Spread over the Shanghai day: 09:00 plus up to 8 h.
				out := storetest.NewCase(t, at(time.Duration(i)*time.Minute), "logistics")
				c, _, err := s.CreateCase(context.Background(), out, store.CreateKey{})
				numbers[i], errs[i] = c.Number, err
			})
		}
		close(start)
		wg.Wait()
		seen := map[string]bool{}
		for i, num := range numbers {
			if errs[i] != nil {
				t.Fatalf("create %d: %v", i, errs[i])
			}
			seen[num] = true
		}
		for i := 1; i <= n; i++ {
			if num := fmt.Sprintf("JS20261128-%04d", i); !seen[num] {
				t.Fatalf("number %s missing; %d distinct numbers", num, len(seen))
			}
		}
		if len(seen) != n {
			t.Fatalf("%d distinct numbers for %d cases", len(seen), n)
		}
		// Each registration wrote all its parts.
		if e, o := countRows(t, s, "case_events"), countRows(t, s, "outbox"); e != 2*n || o != n {
			t.Errorf("events %d (want %d), outbox %d (want %d)", e, 2*n, o, n)
		}
		// The next Shanghai day starts again at 1: 2026-11-29 00:30 +08:00.
		next := storetest.NewCase(t, time.Date(2026, 11, 28, 16, 30, 0, 0, time.UTC), "logistics")
		if c := storetest.Create(t, s, next); c.Number != "JS20261129-0001" {
			t.Errorf("next day's first number %s", c.Number)
		}
	})
}

func TestCreateCaseRefusesNoRegistrationTime(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		_, _, err := s.CreateCase(context.Background(), cases.Outcome{Case: cases.Case{Channel: cases.ChannelWeb, Content: "x"}}, store.CreateKey{})
		if err == nil {
			t.Fatal("a case without a registration time was stored")
		}
	})
}

// A day's numbers continue its counter row, whatever set it (migration
// 0018 carries the sequences of 0005 into it).
func TestCaseNumbersContinueTheDayCounter(t *testing.T) {
	t.Parallel()
	s := storetest.NewPostgres(t)
	if _, err := s.DBForTest().Exec(`INSERT INTO case_sequences (day, last) VALUES ('20261128', 41)`); err != nil {
		t.Fatal(err)
	}
	if c := storetest.Create(t, s, storetest.NewCase(t, at(0), "logistics")); c.Number != "JS20261128-0042" {
		t.Errorf("first number after the counter: %s, want JS20261128-0042", c.Number)
	}
	if c := storetest.Create(t, s, storetest.NewCase(t, at(time.Minute), "logistics")); c.Number != "JS20261128-0043" {
		t.Errorf("second number: %s, want JS20261128-0043", c.Number)
	}
}

func TestCreateWithEndedContextWritesNothing(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, _, err := s.CreateCase(ctx, storetest.NewCase(t, at(0), "logistics"), store.CreateKey{}); !errors.Is(err, context.Canceled) {
			t.Fatalf("create with an ended context: %v, want context.Canceled", err)
		}
		if n := countRows(t, s, "cases"); n != 0 {
			t.Errorf("%d cases stored", n)
		}
	})
}

// replicasOf opens n stores on one PostgreSQL schema of its own, as n replicas
// of the service would, the first having migrated it.
func replicasOf(t *testing.T, n int) []*store.Store {
	t.Helper()
	url := storetest.MigratedPostgresURL(t)
	var out []*store.Store
	for range n {
		out = append(out, storetest.Open(t, store.Options{URL: url}))
	}
	if err := out[0].Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return out
}

// The first registrations of a day, from several replicas at once, all
// get numbers: one of them makes the day's counter row, the others wait
// for it and use it.
func TestFirstNumbersOfADayFromReplicas(t *testing.T) {
	t.Parallel()
	replicas := replicasOf(t, 3)
	for day := range 10 {
		when := at(time.Duration(day) * 24 * time.Hour)
		var wg sync.WaitGroup
		errs := make([]error, 9)
		got := make([]cases.Case, len(errs))
		for i := range errs {
			wg.Go(func() {
				got[i], _, errs[i] = replicas[i%3].CreateCase(context.Background(), storetest.NewCase(t, when, "logistics"), store.CreateKey{})
			})
		}
		wg.Wait()
		seen := map[string]bool{}
		for i, err := range errs {
			if err != nil {
				t.Fatalf("day %d, registration %d: %v", day, i, err)
			}
			// Never repeated, and of the case's day.
			if num := got[i].Number; seen[num] || !strings.HasPrefix(num, "JS"+cases.Day(when)+"-") {
				t.Fatalf("day %d: number %s repeated or of another day", day, num)
			}
			seen[got[i].Number] = true
		}
	}
}

// A counter behind the day's cases (a restore, a hand edit) is said as
// such: taking the case for a duplicate would answer "not found".
func TestCounterBehindTheCasesIsSaid(t *testing.T) {
	t.Parallel()
	storetest.ForEachBackend(t, func(t *testing.T, s *store.Store) {
		storetest.Create(t, s, storetest.NewCase(t, at(0), "logistics"))
		if _, err := s.DBForTest().Exec(`UPDATE case_sequences SET last = 0`); err != nil {
			t.Fatal(err)
		}
		_, created, err := s.CreateCase(context.Background(), storetest.NewCase(t, at(time.Minute), "logistics"), store.CreateKey{})
		if err == nil || errors.Is(err, cases.ErrNotFound) || !strings.Contains(err.Error(), "JS20261128-0001 is taken") {
			t.Fatalf("create behind the counter: created %v, err %v; want the taken number said", created, err)
		}
		if n := countRows(t, s, "cases"); n != 1 {
			t.Errorf("%d cases stored, want the first alone", n)
		}
	})
}

// A commit that fails may have written the batch all the same, so its
// cases are not written again one by one: a case without a channel
// reference or key could be made twice. Here every commit fails (a
// deferred constraint), and each registration of a batch must be tried in
// exactly one commit.
func TestFailedCommitIsNotWrittenAgain(t *testing.T) {
	t.Parallel()
	s := storetest.NewPostgres(t)
	for _, q := range []string{
		// A sequence counts the rows that reach a commit: its steps outlive a
		// rollback.
		`CREATE SEQUENCE commit_tries`,
		`CREATE FUNCTION refuse_commit() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			PERFORM nextval('commit_tries');
			-- The transaction's last row refuses, once every row counted.
			IF NEW.id = (SELECT max(id) FROM cases) THEN
				RAISE EXCEPTION 'refused at commit';
			END IF;
			RETURN NULL;
		END $$`,
		`CREATE CONSTRAINT TRIGGER refuse_commit AFTER INSERT ON cases
			DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_commit()`,
	} {
		if _, err := s.DBForTest().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	const n = 24
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			_, _, errs[i] = s.CreateCase(context.Background(), storetest.NewCase(t, at(time.Duration(i)*time.Second), "logistics"), store.CreateKey{})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err == nil {
			t.Fatalf("registration %d: no error though every commit fails", i)
		}
	}
	var tries int
	if err := s.DBForTest().QueryRow(`SELECT last_value FROM commit_tries`).Scan(&tries); err != nil {
		t.Fatal(err)
	}
	if tries != n {
		t.Errorf("%d case rows reached a commit for %d registrations, want each once", tries, n)
	}
	if c := countRows(t, s, "cases"); c != 0 {
		t.Errorf("%d cases stored", c)
	}
}
