package config

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// Building is one building of a grid, as residents write it ("3" for
// 3栋), and optionally its real shape: how many units (单元) and floors it
// has, so an address outside it (3栋9单元, a room on floor 40) is refused
// when someone binds it or a lead pastes it. In the file a building is
// either its number, or a mapping:
//
//	buildings: ["3", {id: "5", units: 4, floors: 25}]
type Building struct {
	ID string `yaml:"id"`
	// Units and Floors are the building's; 0 leaves it unchecked.
	Units  int `yaml:"units"`
	Floors int `yaml:"floors"`
}

// UnmarshalYAML reads a building as its number or as a mapping.
func (b *Building) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		*b = Building{ID: n.Value}
		return nil
	case yaml.MappingNode:
		// Unknown keys are caught by the config's walk (unknownKeys).
		type plain Building
		return n.Decode((*plain)(b))
	}
	return fmt.Errorf("line %d: a building is its number (\"3\") or {id: \"3\", units: 4, floors: 25}", n.Line)
}

// BuildingIDs returns the ids of the grid's buildings, in order.
func (g Grid) BuildingIDs() []string {
	ids := make([]string, len(g.Buildings))
	for i, b := range g.Buildings {
		ids[i] = b.ID
	}
	return ids
}
