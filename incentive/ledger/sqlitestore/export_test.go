package sqlitestore

import "database/sql"

// SetBeforeCommit makes every write transaction of s call f just before
// COMMIT, with the transaction open and its writes done.
func SetBeforeCommit(s *Store, f func()) { s.beforeCommit = f }

// RawDB returns the store's writing connection pool, for tests that poke
// at the schema directly.
func RawDB(s *Store) *sql.DB { return s.w }
