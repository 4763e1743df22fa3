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
