package orders

import (
	"fmt"
	"strings"
)

// Community is one neighbourhood: its grids (网格), their buildings and
// volunteer teams, and its building leads.
type Community struct {
	ID    string
	Name  string
	Grids []Grid
	Leads []Lead
}

// Grid is the unit of delivery: a few buildings and a team of volunteers.
type Grid struct {
	ID         string
	Buildings  []string
	Volunteers []string
}

// Lead is a building lead (楼栋长) and the buildings they run.
type Lead struct {
	OpenID    string
	Buildings []string
}

// CanonicalBuilding makes building names comparable: "03" and "3" are the
// same building, and so are "a" and "A".
func CanonicalBuilding(b string) string {
	b = strings.ToUpper(strings.TrimSpace(b))
	t := strings.TrimLeft(b, "0")
	if t == "" && b != "" {
		return "0"
	}
	return t
}

// GridOf returns the grid that holds building b.
func (c *Community) GridOf(building string) (string, bool) {
	want := CanonicalBuilding(building)
	for _, g := range c.Grids {
		for _, b := range g.Buildings {
			if CanonicalBuilding(b) == want {
				return g.ID, true
			}
		}
	}
	return "", false
}

// Buildings lists every building of the community in grid order.
func (c *Community) Buildings() []string {
	var out []string
	for _, g := range c.Grids {
		out = append(out, g.Buildings...)
	}
	return out
}

// Locate checks that a's building belongs to the community and returns its
// grid. The error wraps ErrNotFound and names the building.
func (c *Community) Locate(a Address) (string, error) {
	g, ok := c.GridOf(a.Building)
	if !ok {
		return "", fmt.Errorf("building %q: %w", a.Building, ErrNotFound)
	}
	return g, nil
}
