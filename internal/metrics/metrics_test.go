package metrics

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/version"
)

type fakeSource struct {
	cases  map[cases.Tier]cases.OpenCount
	outbox map[cases.OutboxState]int
	err    error
}

func (f fakeSource) CountOpenCases(context.Context, time.Time) (map[cases.Tier]cases.OpenCount, error) {
	return f.cases, f.err
}

func (f fakeSource) OutboxCounts(context.Context) (map[cases.OutboxState]int, error) {
	return f.outbox, f.err
}

func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	res, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("scrape: %s\n%s", res.Status, body)
	}
	return string(body)
}

func wantLines(t *testing.T, body string, lines ...string) {
	t.Helper()
	for _, l := range lines {
		if !strings.Contains(body, "\n"+l+"\n") {
			t.Errorf("scrape lacks %q", l)
		}
	}
}

func TestScrape(t *testing.T) {
	t.Parallel()
	m := New(Options{Source: fakeSource{
		cases:  map[cases.Tier]cases.OpenCount{cases.TierUrgent: {Open: 3, Overdue: 1}, cases.TierGeneral: {Open: 7}},
		outbox: map[cases.OutboxState]int{cases.OutboxPending: 2, cases.OutboxDead: 1},
	}})
	m.Delivered("wecom")
	m.Delivered("wecom")
	m.DeliveryFailed("dingtalk", FailureRetry)
	m.DeliveryFailed("dingtalk", FailureDead)
	m.CallbackRejected("wechat", "bad_signature")

	h := m.Instrument("/api/cases/{ref}", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNotFound)
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/api/cases/JS1", nil))

	body := scrape(t, m)
	wantLines(t, body,
		`jiesu_cases_open{tier="urgent"} 3`,
		`jiesu_cases_overdue{tier="urgent"} 1`,
		`jiesu_cases_open{tier="general"} 7`,
		`jiesu_cases_overdue{tier="general"} 0`,
		`jiesu_cases_open{tier="essential"} 0`,
		`jiesu_outbox_messages{state="pending"} 2`,
		`jiesu_outbox_messages{state="dead"} 1`,
		`jiesu_outbox_deliveries_total{platform="wecom"} 2`,
		`jiesu_outbox_delivery_failures_total{kind="retry",platform="dingtalk"} 1`,
		`jiesu_outbox_delivery_failures_total{kind="dead",platform="dingtalk"} 1`,
		`jiesu_callback_rejections_total{channel="wechat",reason="bad_signature"} 1`,
		`jiesu_http_request_duration_seconds_count{code="404",method="get",route="/api/cases/{ref}"} 1`,
	)
	for _, series := range []string{"go_goroutines", "process_cpu_seconds_total"} {
		if !strings.Contains(body, "\n"+series+" ") {
			t.Errorf("scrape lacks %s", series)
		}
	}
}

// TestStoreDownKeepsScrape: a failing store drops the state gauges but the
// counters are still served.
func TestStoreDownKeepsScrape(t *testing.T) {
	t.Parallel()
	m := New(Options{Source: fakeSource{err: errors.New("database is down")}})
	m.Delivered("log")
	body := scrape(t, m)
	wantLines(t, body, `jiesu_outbox_deliveries_total{platform="log"} 1`)
	if strings.Contains(body, "jiesu_cases_open{") {
		t.Error("case gauges served although the store failed")
	}
}

func TestInstancesDoNotShareRegistry(t *testing.T) {
	t.Parallel()
	a, b := New(Options{}), New(Options{})
	a.Delivered("wecom")
	if strings.Contains(scrape(t, b), "jiesu_outbox_deliveries_total{") {
		t.Error("a delivery counted in one Metrics shows in another")
	}
}

func TestBuildInfo(t *testing.T) {
	t.Parallel()
	body := scrape(t, New(Options{}))
	info := version.Get()
	wantLines(t, body, `jiesu_build_info{commit="`+info.Commit+`",goversion="`+info.Go+`",version="`+info.Version+`"} 1`)
}
