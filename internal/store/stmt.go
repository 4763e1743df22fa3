package store

import (
	"context"
	"fmt"
	"sync"
)

// stmt is a statement with its arguments, built apart from running it so
// that PostgreSQL can take several in one round trip (see writeMarks).
type stmt struct {
	q    string
	args []any
}

// rowsShape is the shape of `head VALUES (...), (...) tail`: cols arguments
// per row.
type rowsShape struct {
	head, tail string
	cols       int
}

// insertRows is the INSERT of shape with args, len(args)/cols rows, its
// text from texts.
func insertRows(texts *rowTexts, shape rowsShape, args []any) stmt {
	return stmt{q: texts.text(shape, len(args)/shape.cols), args: args}
}

// rowTexts keeps the texts of multi-row INSERTs. Registration sends the
// same few shapes over and over, each with dozens of numbered parameters,
// and building such a text cost more than looking it up. The shapes are
// the store's own, and texts of up to maxKeptRows rows are kept, so they
// are few; larger ones are built and not kept.
type rowTexts struct {
	mu sync.RWMutex
	m  map[rowsText]string
}

// maxKeptRows bounds the rows of a text rowTexts keeps.
const maxKeptRows = 64

type rowsText struct {
	shape rowsShape
	rows  int
}

func newRowTexts() *rowTexts { return &rowTexts{m: map[rowsText]string{}} }

func (t *rowTexts) text(shape rowsShape, rows int) string {
	k := rowsText{shape, rows}
	t.mu.RLock()
	q, ok := t.m[k]
	t.mu.RUnlock()
	if ok {
		return q
	}
	q = shape.head + ` VALUES ` + values(0, rows, shape.cols) + shape.tail
	if rows <= maxKeptRows {
		t.mu.Lock()
		t.m[k] = q
		t.mu.Unlock()
	}
	return q
}

func (st stmt) empty() bool { return st.q == "" }

// exec runs st on q; an empty st does nothing. what names the step in the
// error.
func (st stmt) exec(ctx context.Context, q querier, what string) error {
	if st.empty() {
		return nil
	}
	if _, err := q.ExecContext(ctx, st.q, st.args...); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}
