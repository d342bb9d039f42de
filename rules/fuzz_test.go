package rules

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzCompile feeds arbitrary bytes to Compile: it must never panic, fail
// only with a non-empty ErrorList of positioned *Error values, and produce
// programs the engine accepts and whose tests run without panicking.
func FuzzCompile(f *testing.F) {
	for _, glob := range []string{"testdata/*/*.yaml"} {
		files, _ := filepath.Glob(glob)
		for _, path := range files {
			if b, err := os.ReadFile(path); err == nil {
				f.Add(b)
			}
		}
	}
	f.Add([]byte(docA + "---\n" + docB))
	f.Fuzz(func(t *testing.T, src []byte) {
		file, err := Compile("fuzz.yaml", src)
		if err != nil {
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error %T %v is not a non-empty ErrorList", err, err)
			}
			for _, e := range list {
				if e.File != "fuzz.yaml" || e.Line < 0 || e.Col < 0 || e.Msg == "" || e.Severity != SeverityError {
					t.Fatalf("bad diagnostic %#v", e)
				}
			}
			_ = err.Error()
			if file != nil {
				t.Fatal("a File with an error")
			}
			return
		}
		for _, p := range file.Programs {
			if err := p.Validate(); err != nil {
				t.Fatalf("compiled program fails Validate: %v", err)
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		for i, tc := range file.Tests {
			if i == 20 {
				break
			}
			_ = tc.Run(ctx)
		}
	})
}
