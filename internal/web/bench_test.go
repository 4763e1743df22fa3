package web_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
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
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
			var n atomic.Int64
			b.SetParallelism(benchClients(b))
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					// Each about another building: ordinary traffic, not one
					// incident's burst (the fake clock stands still, so a
					// building met twice would always be within the window).
					i := n.Add(1)
					body := fmt.Sprintf(`{"channel":"city_12345","channel_ref":"GD-%d","complainant":{"name":"张三","contact":"13812345678"},"content":"%d号楼没有热水"}`, i, i)
					req, _ := http.NewRequest("POST", bb.url+"/api/v1/cases", bytes.NewBufferString(body))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Authorization", "Bearer "+bb.tokens["operator"])
					res, err := client.Do(req)
					if err != nil {
						b.Fatal(err)
					}
					// Read to the end, or the client drops the connection
					// and the next request pays for a new one.
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if res.StatusCode != http.StatusCreated {
						b.Fatalf("status %d", res.StatusCode)
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "cases/s")
		})
	}
}

// BenchmarkBareInsert is the floor the API is compared against: a
// single-row INSERT into a one-column table, in parallel, on PostgreSQL.
func BenchmarkBareInsert(b *testing.B) {
	db, err := sql.Open("pgx", storetest.PostgresURL(b))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	// The store's pool, so that the two differ only in what they do.
	db.SetMaxOpenConns(store.DefaultMaxConns)
	db.SetMaxIdleConns(store.DefaultMaxConns)
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, `CREATE TABLE bare (id bigserial PRIMARY KEY, body text NOT NULL)`); err != nil {
		b.Fatal(err)
	}
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
