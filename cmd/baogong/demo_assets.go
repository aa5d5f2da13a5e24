package main

import _ "embed"

// The demo community and catalog, also the default catalog of "parse".
var (
	//go:embed demodata/catalog.yaml
	demoCatalog []byte
	//go:embed demodata/baogong.yaml
	demoConfig []byte
)
