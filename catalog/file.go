package catalog

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"

	"gopkg.in/yaml.v3"

	"github.com/baogong/baogong/internal/yamlpath"
)

// file is the YAML layout of a catalog file.
type file struct {
	Suppliers []Supplier `yaml:"suppliers"`
	Items     []Item     `yaml:"items"`
}

// Parse reads a catalog in its YAML form. Unknown keys are errors, so a typo
// such as "limit_per_housold" does not silently lift a limit, and so are
// values of the wrong kind (a price_fen of 12.5: prices are whole fen);
// both name the key path and line.
func Parse(data []byte) (*Catalog, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	if errs := yamlpath.Check(&root, reflect.TypeOf(file{})); len(errs) > 0 {
		return nil, fmt.Errorf("catalog: %w", errors.Join(errs...))
	}
	var f file
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("catalog: %w", yamlpath.New(&root).Explain(err))
	}
	c, err := build(f.Suppliers, f.Items, yamlpath.New(&root).Line)
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	return c, nil
}

// Load reads and parses a catalog file.
func Load(path string) (*Catalog, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	c, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}
