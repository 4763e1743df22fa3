package web_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net/http"
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
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					// Each about another building: ordinary traffic, not one
					// incident's burst.
					i := n.Add(1)
					body := fmt.Sprintf(`{"channel":"city_12345","channel_ref":"GD-%d","complainant":{"name":"张三","contact":"13812345678"},"content":"%d号楼没有热水"}`, i, 100+i%500)
					req, _ := http.NewRequest("POST", bb.url+"/api/v1/cases", bytes.NewBufferString(body))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Authorization", "Bearer "+bb.tokens["operator"])
					res, err := client.Do(req)
					if err != nil {
						b.Fatal(err)
					}
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
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, `CREATE TABLE bare (id bigserial PRIMARY KEY, body text NOT NULL)`); err != nil {
		b.Fatal(err)
	}
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
