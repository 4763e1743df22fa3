package store

import "database/sql"

// DBForTest exposes the pool to this package's external tests (the bare
// insert benchmark and schema checks).
func (s *Store) DBForTest() *sql.DB { return s.db }
