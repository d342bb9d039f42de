package rules_test

import (
	"errors"
	"fmt"
	"testing/fstest"

	"github.com/partnerops/partnerops/rules"
)

// A service loading program files it did not write bounds what it reads;
// a file over a limit is refused with an error wrapping rules.ErrLimit.
func ExampleLoadWith_error() {
	fsys := fstest.MapFS{
		"uploads/example.yaml": {Data: []byte(exampleSrc)},
	}
	_, err := rules.LoadWith(fsys, "uploads/*.yaml", rules.LoadOptions{MaxFileSize: 64})
	fmt.Println(errors.Is(err, rules.ErrLimit))
	fmt.Println(err)

	set, err := rules.LoadWith(fsys, "uploads/*.yaml", rules.LoadOptions{MaxFiles: 10})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(set.Programs()[0].ID)
	// Output:
	// true
	// uploads/example.yaml: file is 342 bytes; a program file may be at most 64 bytes
	// example-spiff
}
