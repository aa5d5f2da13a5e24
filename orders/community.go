package orders

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Community is one neighbourhood: its grids (网格), their buildings and
// volunteer teams, and its building leads.
type Community struct {
	ID   string
	Name string
	// Aliases are other names residents call it by.
	Aliases []string
	Grids   []Grid
	Leads   []Lead
	// Admins are community staff: they approve prescriptions and hear
	// about urgent requests nobody claimed within UrgentClaim.
	Admins      []string
	UrgentClaim time.Duration
	// Phone is the community office's phone (社区电话), "" when not given.
	Phone string
	// RetainDays is how long settled orders keep their personal fields
	// (0: DefaultRetainDays).
	RetainDays int
	// Calendar says when order days close and their goods go out.
	Calendar Calendar
	// Shapes are the buildings' real shapes, by CanonicalBuilding, for
	// those the config gives one (Locate checks addresses against them).
	Shapes map[string]Shape
}

// Shape is a building's real shape: how many units (单元) it has and how
// many floors; zero leaves that unchecked.
type Shape struct {
	Units  int
	Floors int
}

// Check returns why address a cannot be in a building of this shape, in
// words a resident or lead understands (3栋只有4个单元), or "". A unit
// beyond Units, a missing unit in a building of several, and a room on a
// floor beyond Floors (the room's digits but the last two: 501 is on the
// 5th, 1203 on the 12th) are refused; units and rooms that are not plain
// numbers, and rooms of one or two digits, are not checked.
func (s Shape) Check(a Address) string {
	b := CanonicalBuilding(a.Building)
	if s.Units > 0 {
		if a.Unit == "" && s.Units > 1 {
			return fmt.Sprintf(ReasonShapeNoUnit, b, s.Units)
		}
		if n, err := strconv.Atoi(CanonicalBuilding(a.Unit)); err == nil && (n < 1 || n > s.Units) {
			return fmt.Sprintf(ReasonNoSuchUnit, b, s.Units, n)
		}
	}
	if s.Floors > 0 && len(a.Room) >= 3 {
		if n, err := strconv.Atoi(a.Room[:len(a.Room)-2]); err == nil && (n < 1 || n > s.Floors) {
			return fmt.Sprintf(ReasonNoSuchFloor, b, s.Floors, n)
		}
	}
	return ""
}

// ShapeError says an address lies outside its building's real shape. It
// wraps ErrInvalid; Reason is in words (see Shape.Check).
type ShapeError struct {
	Address Address
	Reason  string
}

func (e *ShapeError) Error() string {
	return fmt.Sprintf("address %s: %s: %v", e.Address, e.Reason, ErrInvalid)
}

// Unwrap lets errors.Is(err, ErrInvalid) work.
func (e *ShapeError) Unwrap() error { return ErrInvalid }

// Grid is the unit of delivery: a few buildings and a team of volunteers.
type Grid struct {
	ID         string
	Buildings  []string
	Volunteers []string
	// Households are known households without WeChat or 接龙, as 3-2-501.
	Households []string
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

// Locate checks that a's building belongs to the community and that a
// fits the building's shape, if it has one, and returns its grid. The
// error wraps ErrNotFound and names the building, or is a *ShapeError.
// Listed reports whether the office lists household a in the config
// (grids[].households): a household it knows, whose door a stranger must
// not take by binding first.
func (c *Community) Listed(a Address) bool {
	hh := Address{Building: CanonicalBuilding(a.Building), Unit: a.Unit, Room: a.Room}.Household()
	for _, g := range c.Grids {
		for _, h := range g.Households {
			if h == hh || h == a.Household() {
				return true
			}
		}
	}
	return false
}

func (c *Community) Locate(a Address) (string, error) {
	g, ok := c.GridOf(a.Building)
	if !ok {
		return "", fmt.Errorf("building %q: %w", a.Building, ErrNotFound)
	}
	if why := c.Shapes[CanonicalBuilding(a.Building)].Check(a); why != "" {
		return "", &ShapeError{Address: a, Reason: why}
	}
	return g, nil
}

// AllLeads is the community's leads (from the config) followed by extra
// (those added at run time).
func (c *Community) AllLeads(extra []Lead) []Lead {
	return append(append([]Lead(nil), c.Leads...), extra...)
}

// LedBy returns the buildings openid leads among leads.
func LedBy(leads []Lead, openid string) []string {
	var out []string
	for _, l := range leads {
		if l.OpenID == openid {
			out = append(out, l.Buildings...)
		}
	}
	return out
}

// Owns reports whether building b is one of buildings.
func Owns(buildings []string, b string) bool {
	want := CanonicalBuilding(b)
	for _, x := range buildings {
		if CanonicalBuilding(x) == want {
			return true
		}
	}
	return false
}

// LeadsOfGrid returns the leads of any building of grid, each with only
// its buildings in that grid, in the order of leads.
func (c *Community) LeadsOfGrid(grid string, leads []Lead) []Lead {
	var out []Lead
	at := map[string]int{}
	for _, l := range leads {
		for _, b := range l.Buildings {
			if g, _ := c.GridOf(b); g != grid {
				continue
			}
			i, ok := at[l.OpenID]
			if !ok {
				i = len(out)
				at[l.OpenID] = i
				out = append(out, Lead{OpenID: l.OpenID})
			}
			if !Owns(out[i].Buildings, b) {
				out[i].Buildings = append(out[i].Buildings, CanonicalBuilding(b))
			}
		}
	}
	return out
}

// Team is a grid's volunteers from the config followed by extra (approved
// at run time), each once.
func (g Grid) Team(extra []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range append(append([]string(nil), g.Volunteers...), extra...) {
		if v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// GridIDs returns the ids of the community's grids in config order.
func (c *Community) GridIDs() []string {
	ids := make([]string, len(c.Grids))
	for i, g := range c.Grids {
		ids[i] = g.ID
	}
	return ids
}

// Retention is how many days settled orders keep their personal fields.
func (c *Community) Retention() int {
	if c.RetainDays <= 0 {
		return DefaultRetainDays
	}
	return c.RetainDays
}
