package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/storetest"
)

// ownRedis is a Redis server of the test's own on a free loopback port, so
// that the test can stop and start it without touching the shared one.
type ownRedis struct {
	t    *testing.T
	port int
	cmd  *exec.Cmd
}

func startOwnRedis(t *testing.T) *ownRedis {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") != "" || os.Getenv("JIESU_REQUIRE_SERVICES") != "" {
			t.Fatalf("redis-server is required (CI or JIESU_REQUIRE_SERVICES is set): %v", err)
		}
		t.Skipf("redis-server not installed: %v", err)
	}
	_ = bin
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	r := &ownRedis{t: t, port: port}
	r.start()
	t.Cleanup(r.stop)
	return r
}

func (r *ownRedis) url() string { return fmt.Sprintf("redis://127.0.0.1:%d/0", r.port) }

func (r *ownRedis) start() {
	r.t.Helper()
	r.cmd = exec.Command("redis-server", "--port", strconv.Itoa(r.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", r.t.TempDir())
	if err := r.cmd.Start(); err != nil {
		r.t.Fatal(err)
	}
	c := redis.NewClient(&redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", r.port)})
	defer c.Close()
	// Polled with a deadline: the server needs a moment to listen.
	deadline := time.Now().Add(10 * time.Second)
	for c.Ping(context.Background()).Err() != nil {
		if time.Now().After(deadline) {
			r.t.Fatal("redis-server did not answer within 10 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (r *ownRedis) stop() {
	if r.cmd == nil {
		return
	}
	_ = r.cmd.Process.Kill()
	_ = r.cmd.Wait()
	r.cmd = nil
}

func (r *ownRedis) keys(pattern string) int {
	c := redis.NewClient(&redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", r.port)})
	defer c.Close()
	ks, err := c.Keys(context.Background(), pattern).Result()
	if err != nil {
		r.t.Fatal(err)
	}
	return len(ks)
}

// A Redis outage under load costs no card and no attempt: the limiter and
// the cache fall back to their in-process stand-ins, callbacks do not wait
// on the dead Redis, /readyz says what happened while staying ready, and
// when Redis answers again the limits are shared through it once more. A
// replica also starts while Redis is down.
func TestRedisOutageLosesNoCard(t *testing.T) {
	t.Parallel()
	rd := startOwnRedis(t)
	st := storetest.NewPostgres(t)
	h := buildHarness(t, st, harnessSetup{redisURL: rd.url()})
	ctx := context.Background()

	var numbers []string
	wave := func(name string, n int) {
		t.Helper()
		for i := range n {
			// A building of its own each: cases at one place would group.
			b := len(numbers) + 1
			c := h.complaint(fmt.Sprintf("%s：学生公寓%d号楼%d室的灯坏了", name, b, 100+i))
			numbers = append(numbers, c.Number)
		}
		// The robot takes 20 a minute, half of it while Redis is down.
		for range 10 {
			h.drain()
			h.clock.Advance(time.Minute)
		}
	}
	wave("停电前", 8)
	if n := rd.keys("jiesu:limit:*"); n == 0 {
		t.Fatal("no rate-limit keys in Redis while it was up")
	}

	rd.stop()
	wave("停电中", 24)
	// A press on a card is a callback: it must not wait for Redis.
	// (A card of the first wave: the backlog of the second went out as
	// digests.)
	start := time.Now()
	reply := h.press(userMa, numbers[0], "accept")
	if took := time.Since(start); took > time.Second {
		t.Errorf("a card press took %s with Redis down", took)
	}
	if reply.Status != 200 {
		t.Errorf("press with Redis down: %d", reply.Status)
	}
	code, body := h.readyz()
	if code != 200 || !strings.Contains(body, `"redis":"unreachable since`) || strings.Contains(body, strconv.Itoa(rd.port)) {
		t.Errorf("readyz with Redis down: %d %s; want ready, naming the outage but not Redis's address", code, body)
	}

	// A replica deployed during the outage starts.
	replica := buildHarness(t, storetest.NewSQLite(t), harnessSetup{redisURL: rd.url()})
	if code, _ := replica.readyz(); code != 200 {
		t.Errorf("a replica started during the outage: readyz %d", code)
	}

	rd.start()
	h.clock.Advance(10 * time.Second) // past the breaker's retry
	wave("恢复后", 8)
	if n := rd.keys("jiesu:limit:*"); n == 0 {
		t.Error("after Redis came back, the limits were not shared through it")
	}
	if _, body := h.readyz(); !strings.Contains(body, `"redis":"ok"`) {
		t.Errorf("readyz after Redis came back: %s", body)
	}

	dead, spent := 0, 0
	for _, num := range numbers {
		c := h.get(num)
		items, err := st.ListOutbox(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			if it.State == cases.OutboxDead {
				dead++
				t.Errorf("%s %s dead: %s", num, it.Template, it.LastError)
			}
			if it.State == cases.OutboxSent && it.Attempts > 1 {
				spent++
			}
		}
		if !heldBy(h, userMa, num) {
			t.Errorf("%s: no card named it to the handler", num)
		}
	}
	if spent > 0 {
		t.Errorf("%d messages spent more than one attempt", spent)
	}
	t.Logf("%d cases, %d dead", len(numbers), dead)
}

// heldBy reports whether member holds a card, single or digest, that names
// the case.
func heldBy(h *harness, member, number string) bool {
	for _, c := range h.fake.Cards(member) {
		b, _ := json.Marshal(c.Card)
		if strings.Contains(string(b), number) {
			return true
		}
	}
	return false
}
