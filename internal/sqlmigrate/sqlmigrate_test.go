package sqlmigrate

import (
	"context"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoad(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files fstest.MapFS
		want  []string
		err   string
	}{
		{"ordered by number, not by name", fstest.MapFS{
			"m/10_c.sql": {Data: []byte("C")}, "m/2_b.sql": {Data: []byte("B")}, "m/0001_a.sql": {Data: []byte("A")},
			"m/README.md": {Data: []byte("not SQL")},
		}, []string{"0001_a.sql", "2_b.sql", "10_c.sql"}, ""},
		{"no number", fstest.MapFS{"m/init.sql": {}}, nil, "init.sql: the name must start with a positive version number"},
		{"zero", fstest.MapFS{"m/0_init.sql": {}}, nil, "0_init.sql: the name must start with a positive version number"},
		{"same version twice", fstest.MapFS{"m/1_a.sql": {}, "m/01_b.sql": {}}, nil, "have the same version"},
		{"no folder", fstest.MapFS{}, nil, "read m"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ms, err := Load(tc.files, "m")
			if tc.err != "" {
				require.ErrorIs(t, err, ErrMigration)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			var names []string
			for _, m := range ms {
				names = append(names, m.Name)
			}
			assert.Equal(t, tc.want, names)
		})
	}
}

// fakeTx records what Apply runs.
type fakeTx struct {
	have []int
	ran  []string
}

func (f *fakeTx) Exec(_ context.Context, q string, args ...any) error {
	if len(args) == 3 {
		f.have = append(f.have, args[1].(int))
		return nil
	}
	f.ran = append(f.ran, q)
	return nil
}

func (f *fakeTx) Versions(context.Context, string) ([]int, error) { return f.have, nil }

func TestApply(t *testing.T) {
	ms := []Migration{{1, "1_a.sql", "A"}, {2, "2_b.sql", "B"}}
	tx := &fakeTx{}
	applied, err := Apply(context.Background(), tx, "ledger", "INSERT", ms)
	require.NoError(t, err)
	assert.Equal(t, []string{"1_a.sql", "2_b.sql"}, applied)
	assert.Equal(t, []string{CreateTable, "A", "B"}, tx.ran)

	// Again: only the table check runs, nothing is applied.
	tx.ran = nil
	applied, err = Apply(context.Background(), tx, "ledger", "INSERT", ms)
	require.NoError(t, err)
	assert.Empty(t, applied)
	assert.Equal(t, []string{CreateTable}, tx.ran)

	// A version this code does not know: a newer program migrated it.
	tx.have = append(tx.have, 7)
	_, err = Apply(context.Background(), tx, "ledger", "INSERT", ms)
	require.ErrorIs(t, err, ErrMigration)
	assert.Contains(t, err.Error(), "version 7")
}
