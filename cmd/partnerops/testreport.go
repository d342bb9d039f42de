package main

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/partnerops/partnerops/rules"
)

// junitSuites is a JUnit XML report, as CI systems (Jenkins, GitLab,
// GitHub test reporters) read it: one suite per program, one case per
// YAML test.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr"`
	Line      int           `xml:"line,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// writeJUnit writes the report as JUnit XML to the file name.
func writeJUnit(name string, r *rules.Report) error {
	doc := junitSuites{Name: "partnerops test"}
	index := map[string]int{}
	for _, t := range r.Results {
		id := t.Test.Program.ID
		i, ok := index[id]
		if !ok {
			i = len(doc.Suites)
			index[id] = i
			doc.Suites = append(doc.Suites, junitSuite{Name: id})
		}
		s := &doc.Suites[i]
		c := junitCase{Name: t.Test.Name, Classname: id, File: t.Test.Origin.File, Line: t.Test.Origin.Line}
		switch {
		case t.Err != nil:
			c.Error = &junitProblem{Message: oneLine(t.Err.Error()), Type: "error", Text: t.Err.Error()}
			s.Errors++
			doc.Errors++
		case len(t.Diffs) > 0:
			c.Failure = &junitProblem{Message: t.Diffs[0], Type: "diff", Text: strings.Join(t.Diffs, "\n")}
			s.Failures++
			doc.Failures++
		}
		s.Tests++
		doc.Tests++
		s.Cases = append(s.Cases, c)
	}
	for i := range doc.Suites {
		s := &doc.Suites[i]
		cov := &rules.Coverage{}
		for _, it := range r.Coverage.Items {
			if it.Program == s.Name {
				cov.Items = append(cov.Items, it)
			}
		}
		s.Properties = append(s.Properties,
			junitProperty{"coverage.percent", strconv.Itoa(cov.Percent())},
			junitProperty{"coverage.covered", strconv.Itoa(cov.Covered())},
			junitProperty{"coverage.items", strconv.Itoa(len(cov.Items))})
		for _, g := range cov.Gaps() {
			s.Properties = append(s.Properties, junitProperty{"coverage.gap", fmt.Sprintf("%s (%s): %s", g.Name, g.Origin, g.Gap)})
		}
	}
	out, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	out = append([]byte(xml.Header), out...)
	out = append(out, '\n')
	return os.WriteFile(name, out, 0o644)
}

// jsonReport is `partnerops test -json`.
type jsonReport struct {
	OK       bool       `json:"ok"`
	Passed   int        `json:"passed"`
	Failed   int        `json:"failed"`
	Tests    []jsonTest `json:"tests"`
	Coverage struct {
		Percent int       `json:"percent"`
		Min     int       `json:"min"`
		Covered int       `json:"covered"`
		Items   int       `json:"items"`
		Gaps    []jsonGap `json:"gaps"`
	} `json:"coverage"`
}

type jsonTest struct {
	Program string   `json:"program"`
	Version int      `json:"version"`
	Name    string   `json:"name"`
	File    string   `json:"file"`
	Line    int      `json:"line"`
	Passed  bool     `json:"passed"`
	Diffs   []string `json:"diffs,omitempty"`
	Error   string   `json:"error,omitempty"`
}

type jsonGap struct {
	Program string `json:"program"`
	Kind    string `json:"kind"`
	Name    string `json:"name"`
	File    string `json:"file"`
	Line    int    `json:"line"`
	Gap     string `json:"gap"`
}

// writeJSONReport writes the report as one JSON document.
func writeJSONReport(w io.Writer, r *rules.Report) error {
	var doc jsonReport
	doc.OK = r.OK()
	doc.Tests = []jsonTest{}
	for _, t := range r.Results {
		jt := jsonTest{Program: t.Test.Program.ID, Version: t.Test.Program.Version, Name: t.Test.Name,
			File: t.Test.Origin.File, Line: t.Test.Origin.Line, Passed: t.Passed(), Diffs: t.Diffs}
		if t.Err != nil {
			jt.Error = t.Err.Error()
		}
		if jt.Passed {
			doc.Passed++
		} else {
			doc.Failed++
		}
		doc.Tests = append(doc.Tests, jt)
	}
	doc.Coverage.Percent, doc.Coverage.Min = r.Coverage.Percent(), r.MinCoverage
	doc.Coverage.Covered, doc.Coverage.Items = r.Coverage.Covered(), len(r.Coverage.Items)
	doc.Coverage.Gaps = []jsonGap{}
	for _, g := range r.Coverage.Gaps() {
		doc.Coverage.Gaps = append(doc.Coverage.Gaps, jsonGap{Program: g.Program, Kind: string(g.Kind), Name: g.Name,
			File: g.Origin.File, Line: g.Origin.Line, Gap: g.Gap})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
