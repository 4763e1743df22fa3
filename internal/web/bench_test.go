package web_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/jiesu/jiesu/internal/store"
	"github.com/jiesu/jiesu/internal/storetest"
)

// BenchmarkCreateCaseAPI measures registering a case through the whole
// stack: HTTP, JSON, token check, routing, sealing, and the store's
// transaction (number, case, events, outbox). Compare it with
// BenchmarkBareInsert, one single-row INSERT per operation on the same
// PostgreSQL, at the same parallelism.
func BenchmarkCreateCaseAPI(b *testing.B) {
	for name, open := range map[string]func(testing.TB) *store.Store{"sqlite": storetest.NewSQLite, "postgres": storetest.NewPostgres} {
		b.Run(name, func(b *testing.B) {
			bb := setup(b, open(b))
			postAll(b, http.StatusCreated, "cases/s", func(i int64) *http.Request {
				// Each about another building: ordinary traffic, not one
				// incident's burst (the fake clock stands still, so a
				// building met twice would always be within the window).
				body := fmt.Sprintf(`{"channel":"city_12345","channel_ref":"GD-%d","complainant":{"name":"张三","contact":"13812345678"},"content":"%d号楼没有热水"}`, i, i)
				req, _ := http.NewRequest("POST", bb.url+"/api/v1/cases", bytes.NewBufferString(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+bb.tokens["operator"])
				return req
			})
		})
	}
}

// BenchmarkBareInsert is the floor the API is compared against: a
// single-row INSERT into a one-column table, in parallel, on PostgreSQL.
func BenchmarkBareInsert(b *testing.B) {
	db := bareTable(b)
	ctx := context.Background()
	b.SetParallelism(benchClients(b))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := db.ExecContext(ctx, `INSERT INTO bare (body) VALUES ($1)`, "学生公寓3号楼没有热水"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkBareInsertHTTP is the bare INSERT behind a bare HTTP handler,
// with the API benchmark's client: what HTTP alone costs at the same
// concurrency, so that the gap between the two above can be read.
func BenchmarkBareInsertHTTP(b *testing.B) {
	db := bareTable(b)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err == nil {
			_, err = db.ExecContext(r.Context(), `INSERT INTO bare (body) VALUES ($1)`, string(body))
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusCreated)
	}))
	b.Cleanup(ts.Close)
	postAll(b, http.StatusCreated, "rows/s", func(int64) *http.Request {
		req, _ := http.NewRequest("POST", ts.URL, bytes.NewBufferString("学生公寓3号楼没有热水"))
		return req
	})
}

// postAll sends the i-th request of newReq for i from 1, from
// benchClients clients per CPU, each expecting status want, and reports
// the rate as unit.
func postAll(b *testing.B, want int, unit string, newReq func(i int64) *http.Request) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	var n atomic.Int64
	b.SetParallelism(benchClients(b))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			res, err := client.Do(newReq(n.Add(1)))
			if err != nil {
				b.Fatal(err)
			}
			// Read to the end, or the client drops the connection and the
			// next request pays for a new one.
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != want {
				b.Fatalf("status %d", res.StatusCode)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), unit)
}

// bareTable opens a pool like the store's on a fresh PostgreSQL schema and
// makes the bare benchmarks' one-column table in it.
func bareTable(b *testing.B) *sql.DB {
	db, err := sql.Open("pgx", storetest.PostgresURL(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	// The store's pool, so that the two differ only in what they do.
	db.SetMaxOpenConns(store.DefaultMaxConns)
	db.SetMaxIdleConns(store.DefaultMaxConns)
	if _, err := db.Exec(`CREATE TABLE bare (id bigserial PRIMARY KEY, body text NOT NULL)`); err != nil {
		b.Fatal(err)
	}
	return db
}

// benchClients is how many clients per CPU both benchmarks run:
// JIESU_BENCH_CLIENTS, default 1 (as many clients as CPUs).
func benchClients(b *testing.B) int {
	v := os.Getenv("JIESU_BENCH_CLIENTS")
	if v == "" {
		return 1
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		b.Fatalf("JIESU_BENCH_CLIENTS=%q: want a positive number", v)
	}
	return n
}
