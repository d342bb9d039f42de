package sqlledger

import (
	"context"
	"fmt"
)

// ProgramSource is the text a program version was compiled from, kept
// beside the ledger so that any later process (the command line, a replay)
// can register the exact terms every claim was evaluated under.
type ProgramSource struct {
	// ID, Version and Hash are the compiled program's (Hash is its
	// content hash, the key).
	ID      string
	Version int
	Hash    string
	// Name is the file name it was compiled from; Source its bytes.
	Name   string
	Source []byte
}

// SaveProgram stores a program's source under its hash; saving the same
// hash again changes nothing.
func (s *Store) SaveProgram(ctx context.Context, p ProgramSource) error {
	if p.Hash == "" || p.ID == "" {
		return fmt.Errorf("%s: save program: the program id and hash are required", s.d.Name)
	}
	tx, err := s.db.BeginWrite(ctx)
	if err != nil {
		return s.dbErr("save program "+p.ID+": begin", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, s.d.q(`INSERT INTO ledger_programs (hash, id, version, name, source) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (hash) DO NOTHING`), p.Hash, p.ID, p.Version, p.Name, string(p.Source)); err != nil {
		return s.dbErr("save program "+p.ID, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return s.dbErr("save program "+p.ID+": commit", err)
	}
	return nil
}

// Programs returns every stored program source, by id then version.
func (s *Store) Programs(ctx context.Context) ([]ProgramSource, error) {
	rows, err := s.db.Reader().Query(ctx, "SELECT hash, id, version, name, source FROM ledger_programs ORDER BY id, version, hash")
	if err != nil {
		return nil, s.readErr(ctx, "read programs", err)
	}
	defer rows.Close()
	var out []ProgramSource
	for rows.Next() {
		var p ProgramSource
		var src string
		if err := rows.Scan(&p.Hash, &p.ID, &p.Version, &p.Name, &src); err != nil {
			return nil, s.readErr(ctx, "read programs", err)
		}
		p.Source = []byte(src)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, s.readErr(ctx, "read programs", err)
	}
	return out, nil
}
