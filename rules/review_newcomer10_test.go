package rules

import (
	"go/parser"
	"go/token"
	"strings"
	"testing"
)

// TestReviewNewcomer10PackageDocIsWhole: the README sends newcomers to
// `go doc github.com/partnerops/partnerops/rules` for the language. go doc
// shows only the comment group right above the package clause, so a blank
// line inside doc.go's comment cut the reference to its second half: it
// started at "# caps.yaml", without the files, expressions, eligibility,
// earnings, bands or claims sections.
func TestReviewNewcomer10PackageDocIsWhole(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "doc.go", nil, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil {
		t.Fatal(err)
	}
	if f.Doc == nil {
		t.Fatal("doc.go has no package comment")
	}
	doc := f.Doc.Text()
	if !strings.HasPrefix(doc, "Package rules compiles") {
		t.Errorf("the package comment go doc shows starts with %q, not the reference's first line", firstLine(doc))
	}
	for _, heading := range []string{"# Files and documents", "# Credit notes", "# Cookbook"} {
		if !strings.Contains(doc, heading) {
			t.Errorf("the package comment go doc shows lacks %q", heading)
		}
	}
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
