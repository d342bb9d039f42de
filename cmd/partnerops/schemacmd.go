package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/partnerops/partnerops/rules"
)

var schemaCommand = &command{
	name:    "schema",
	summary: "print the JSON Schema of program files, for editors",
	usage:   "schema",
	about: `
Schema prints a JSON Schema (draft 2020-12) of program and tests files,
generated from the keys the decoder accepts. Save it beside your programs
and point the YAML language server at it with a first line such as

	# yaml-language-server: $schema=./partnerops.schema.json

to get completion and shape errors (unknown or missing keys, a list where
a mapping belongs) as you type. The compiler still checks the rest.`,
	example: "partnerops schema",
	setup: func(fs *flag.FlagSet) action {
		return func(_ context.Context, args []string, stdout, stderr io.Writer) int {
			if len(args) > 0 {
				return usageError(stderr, "schema", "takes no arguments, got %q", args[0])
			}
			if _, err := stdout.Write(rules.Schema()); err != nil {
				fmt.Fprintf(stderr, "partnerops schema: %v\n", err)
				return exitFail
			}
			return exitOK
		}
	},
}
