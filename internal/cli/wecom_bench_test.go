package cli

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jiesu/jiesu/bot/fakes"
	"github.com/jiesu/jiesu/bot/wecom"
	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/config"
	"github.com/jiesu/jiesu/internal/service"
	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// benchUnits spreads the dispatches so that no unit reaches its limits
// (20 cards a minute) in a run of up to 40 s: the benchmark times the
// path, not the rate limiter's deliberate wait.
const benchUnits = 100

// BenchmarkDispatchToCard times a committed dispatch to the arrival of its
// 接单 card at the fake WeCom, with dispatches arriving at 50 a second, on
// the wall clock, through the outbox worker as serve runs it. It reports
// the p50 and p99 latency; b.N is the number of dispatches:
//
//	go test ./internal/cli -run '^$' -bench DispatchToCard -benchtime 500x
func BenchmarkDispatchToCard(b *testing.B) {
	for _, backend := range []struct {
		name string
		open func(testing.TB) *store.Store
	}{{"sqlite", storetest.NewSQLite}, {"postgres", storetest.NewPostgres}} {
		b.Run(backend.name, func(b *testing.B) { benchDispatchToCard(b, backend.open(b)) })
	}
}

func benchDispatchToCard(b *testing.B, st *store.Store) {
	var mu sync.Mutex
	committed := map[string]time.Time{}
	var latencies []time.Duration
	arrived := make(chan struct{}, 1<<16)
	h := buildHarness(b, st, harnessSetup{
		realClock: true,
		config: []harnessOption{func(c *config.Config) {
			for i := range benchUnits {
				id := fmt.Sprintf("bench%03d", i)
				c.Units = append(c.Units, config.Unit{ID: id, Name: "测试单位" + id, Head: id + "-head", Leader: "vp-logistics",
					Chat: config.UnitChat{Platform: config.PlatformWeCom, RobotKey: "robot-" + id, Departments: []string{fmt.Sprint(5000 + i)}}})
				c.Members = append(c.Members, config.Member{ID: id + "-head", Name: "负责人" + id, Unit: id, Roles: []string{"unit_head"}, WeComUser: "U" + id})
			}
		}},
		fake: func(f *fakes.FakeWeCom) {
			for i := range benchUnits {
				id := fmt.Sprintf("bench%03d", i)
				f.AddDepartment(int64(5000+i), 1)
				f.AddUser("U"+id, "负责人"+id, int64(5000+i))
				f.AddRobot("robot-" + id)
			}
			f.OnCard = func(card wecom.TemplateCard, at time.Time) {
				for _, bt := range card.ButtonList {
					number, ok := strings.CutPrefix(bt.Key, "accept@")
					if !ok {
						continue
					}
					mu.Lock()
					if t0, ok := committed[number]; ok {
						latencies = append(latencies, at.Sub(t0))
						delete(committed, number)
					}
					mu.Unlock()
					arrived <- struct{}{}
				}
			}
		},
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = h.worker.Run(ctx) }()
	defer func() { cancel(); <-done }()

	tick := time.NewTicker(20 * time.Millisecond) // 50 dispatches a second
	defer tick.Stop()
	b.ResetTimer()
	for i := range b.N {
		<-tick.C
		// The case is registered and dispatched in one commit; the clock
		// starts when Create returns, i.e. after the commit.
		out, err := h.svc.Create(ctx, cases.SystemActor(), service.CreateInput{Channel: cases.ChannelWeChatOA,
			Identity: fmt.Sprintf("o-bench-%d", i), Contact: "13812345678", Content: fmt.Sprintf("第%d间宿舍没有热水", i),
			LeadUnit: fmt.Sprintf("bench%03d", i%benchUnits)})
		if err != nil {
			b.Fatal(err)
		}
		mu.Lock()
		committed[out.Case.Number] = time.Now()
		mu.Unlock()
	}
	deadline := time.After(time.Minute)
	for range b.N {
		select {
		case <-arrived:
		case <-deadline:
			b.Fatalf("only %d of %d cards arrived", len(latencies), b.N)
		}
	}
	b.StopTimer()
	mu.Lock()
	defer mu.Unlock()
	slices.Sort(latencies)
	q := func(p float64) time.Duration { return latencies[min(len(latencies)-1, int(p*float64(len(latencies))))] }
	b.ReportMetric(float64(q(0.50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(q(0.99).Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(latencies[len(latencies)-1].Microseconds())/1000, "max-ms")
}
