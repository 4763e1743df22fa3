package store

import (
	"context"
	"fmt"
)

// stmt is a statement with its arguments, built apart from running it so
// that PostgreSQL can take several in one round trip (see sendAll).
type stmt struct {
	q    string
	args []any
	// rows is the shape of q when it is a multi-row INSERT, so that the rows
	// of several such statements can go in one (mergeRows); zero otherwise.
	rows rowsShape
}

// rowsShape is the shape of `head VALUES (...), (...) tail`: cols arguments
// per row.
type rowsShape struct {
	head, tail string
	cols       int
}

// insertRows is the INSERT of shape with args, len(args)/cols rows.
func insertRows(shape rowsShape, args []any) stmt {
	return stmt{q: shape.text(len(args) / shape.cols), args: args, rows: shape}
}

func (r rowsShape) text(rows int) string {
	return r.head + ` VALUES ` + values(0, rows, r.cols) + r.tail
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
