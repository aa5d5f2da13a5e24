package catalog

import (
	"bytes"
	"fmt"
	"os"

	"gopkg.in/yaml.v3"
)

// file is the YAML layout of a catalog file.
type file struct {
	Suppliers []Supplier `yaml:"suppliers"`
	Items     []Item     `yaml:"items"`
}

// Parse reads a catalog in its YAML form. Unknown keys are errors, so a typo
// such as "limit_per_housold" does not silently lift a limit.
func Parse(data []byte) (*Catalog, error) {
	var f file
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	c, err := New(f.Suppliers, f.Items)
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
