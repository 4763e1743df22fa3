package cli

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/jiesu/jiesu/bot/fakes"
	"github.com/jiesu/jiesu/internal/cache"
	"github.com/jiesu/jiesu/internal/cachetest"
	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// studentRedis is a Redis cache with a fresh key prefix, for replicas that
// share one.
func studentRedis(t *testing.T) cache.Cache { return cachetest.NewRedis(t) }

// retriedCallback posts one signed callback n times at once, to the given
// replicas in turn, as WeChat does when it retries, and returns the
// answers.
func retriedCallback(t *testing.T, fake *fakes.FakeWeChat, s fakes.WeChatSigned, n int, replicas ...*studentRig) [][]byte {
	t.Helper()
	bodies := make([][]byte, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		r := replicas[i%len(replicas)]
		req := fake.SignedRequest(r.url+r.cfg.WeChat.Path, s)
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusOK {
				t.Errorf("retry %d: status %d %s", i, resp.StatusCode, b)
			}
			bodies[i] = b
		}()
	}
	wg.Wait()
	return bodies
}

func TestConcurrentRetriesMakeOneCase(t *testing.T) {
	t.Parallel()
	for _, setup := range []struct {
		name     string
		replicas int
		redis    bool
	}{
		{"one replica", 1, false},
		{"two replicas", 2, false},
		{"two replicas sharing redis", 2, true},
	} {
		t.Run(setup.name, func(t *testing.T) {
			t.Parallel()
			storetest.ForEachBackend(t, func(t *testing.T, st *store.Store) {
				var c cache.Cache
				if setup.redis {
					c = studentRedis(t)
				}
				first := newStudentRig(t, st, studentRigOpts{cache: c})
				replicas := []*studentRig{first}
				for len(replicas) < setup.replicas {
					replicas = append(replicas, newStudentRig(t, st, studentRigOpts{shared: first, cache: c}))
				}
				const student = "oRetry"
				m := first.fake.Text(student, "学生公寓5号楼没有热水")
				first.fake.UserWrote(student, first.clock.Now())
				s := first.fake.Sign(fakes.WeChatSafe, m.XML(), first.clock.Now(), nil, "")
				bodies := retriedCallback(t, first.fake, s, 3, replicas...)
				for i := 1; i < len(bodies); i++ {
					if !bytes.Equal(bodies[i], bodies[0]) {
						t.Errorf("answer %d differs:\n%s\n%s", i, bodies[i], bodies[0])
					}
				}
				reply, err := first.fake.ReadReply(fakes.WeChatSafe, bodies[0])
				if err != nil {
					t.Fatal(err)
				}
				number := caseNumberRe.FindString(reply.Content)
				list, err := st.ListCases(context.Background(), cases.Filter{Identity: student})
				if err != nil || len(list) != 1 || list[0].Number != number {
					t.Fatalf("cases = %d (%v), reply %q", len(list), err, reply.Content)
				}
				if kinds := first.eventKinds(number); strings.Join(kinds, ",") != "register,dispatch" {
					t.Errorf("events = %v", kinds)
				}
				// A supplement, not idempotent by itself, retriedCallback at once.
				first.clock.Advance(60e9)
				sup := first.fake.Text(student, "补充：302和303都没有")
				s = first.fake.Sign(fakes.WeChatSafe, sup.XML(), first.clock.Now(), nil, "")
				bodies = retriedCallback(t, first.fake, s, 3, replicas...)
				for i := 1; i < len(bodies); i++ {
					if !bytes.Equal(bodies[i], bodies[0]) {
						t.Errorf("supplement answer %d differs", i)
					}
				}
				n := 0
				for _, k := range first.eventKinds(number) {
					if k == string(cases.ActionSupplement) {
						n++
					}
				}
				if n != 1 {
					t.Errorf("%d supplements from one message retriedCallback three times", n)
				}
				// A retry a minute later still gets the first answer (in a
				// reply stamped with its own time).
				first.clock.Advance(60e9)
				later := retriedCallback(t, first.fake, s, 1, replicas[len(replicas)-1])
				a, _ := first.fake.ReadReply(fakes.WeChatSafe, later[0])
				b, _ := first.fake.ReadReply(fakes.WeChatSafe, bodies[0])
				if a.Content != b.Content || !strings.Contains(a.Content, number) {
					t.Errorf("a later retry got another answer: %q, first %q", a.Content, b.Content)
				}
			})
		})
	}
}

// A first delivery whose handling fails after its case was committed (here
// the attachment's table is away for a moment) answers 503; WeChat's retry
// of the same callback then gets the receipt the first run would have
// given, with the phone question, and does not add the message to its own
// case as a supplement.
func TestRetryAfterAFailurePastTheCommitGetsTheReceipt(t *testing.T) {
	t.Parallel()
	url := storetest.PostgresURL(t)
	st := storetest.Open(t, store.Options{URL: url})
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	r := newStudentRig(t, st, studentRigOpts{})
	const student = "oFailPastCommit"
	r.fake.UserWrote(student, r.clock.Now())
	s := r.fake.Sign(fakes.WeChatSafe, r.fake.Voice(student, "VOICE-1", "学生公寓5号楼302没有热水").XML(), r.clock.Now(), nil, "")
	rename := func(from, to string) {
		if _, err := db.Exec(`ALTER TABLE ` + from + ` RENAME TO ` + to); err != nil {
			t.Fatal(err)
		}
	}
	rename("case_attachments", "case_attachments_away")
	status, _ := r.do(r.fake.SignedRequest(r.url+r.cfg.WeChat.Path, s))
	rename("case_attachments_away", "case_attachments")
	list, err := st.ListCases(context.Background(), cases.Filter{Identity: student})
	if status != http.StatusServiceUnavailable || err != nil || len(list) != 1 {
		t.Fatalf("first delivery: %d, %d cases (%v); want 503 after the case's commit", status, len(list), err)
	}

	status, body := r.do(r.fake.SignedRequest(r.url+r.cfg.WeChat.Path, s))
	reply, err := r.fake.ReadReply(fakes.WeChatSafe, body)
	if status != http.StatusOK || err != nil || !strings.Contains(reply.Content, "已受理，诉求编号 "+list[0].Number) || !strings.Contains(reply.Content, "手机号") {
		t.Fatalf("retry: %d %q (%v); want the receipt with the phone question", status, reply.Content, err)
	}
	if kinds := strings.Join(r.eventKinds(list[0].Number), ","); kinds != "register,dispatch,attach" {
		t.Errorf("events %s; want the registration and the attachment only", kinds)
	}
}
