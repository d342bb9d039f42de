// Package storebench holds only benchmarks: the ledger service on the
// memory, SQLite and PostgreSQL stores side by side, in one run.
//
//	go test -run '^$' -bench . -benchtime 1x ./internal/storebench
//
// PostgreSQL joins when PARTNEROPS_TEST_DATABASE_URL is set.
package storebench
