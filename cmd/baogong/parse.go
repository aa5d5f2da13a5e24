package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/orders"
)

// parseCmd reads order text on stdin and prints what baogong reads in it.
// Without --catalog it uses the demo catalog, so anyone can try it.
func parseCmd(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("parse", flag.ContinueOnError)
	fs.SetOutput(stderr)
	catPath := fs.String("catalog", "", "catalog file (default: the demo catalog)")
	building := fs.String("building", "", "building for lines that give only a room")
	unit := fs.String("unit", "", "unit for lines that give only a room")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *unit != "" && *building == "" {
		return fmt.Errorf("--unit needs --building")
	}
	var (
		cat *catalog.Catalog
		err error
	)
	if *catPath == "" {
		cat, err = catalog.Parse(demoCatalog)
	} else {
		cat, err = catalog.Load(*catPath)
	}
	if err != nil {
		return err
	}
	text, err := io.ReadAll(stdin)
	if err != nil {
		return fmt.Errorf("read stdin: %w", err)
	}
	res := orders.ParseText(cat, string(text), orders.Context{Building: *building, Unit: *unit})
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(res)
}
