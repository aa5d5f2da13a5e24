package loadgen

import (
	"fmt"
	"hash/fnv"
	"strconv"
)

// household is one generated door.
type household struct {
	building   string
	unit, room int
}

// key is the household as leads write it in a 接龙: 3-2-501.
func (h household) key() string {
	return h.building + "-" + strconv.Itoa(h.unit) + "-" + strconv.Itoa(h.room)
}

// Doors per floor and floors per unit of the generated buildings: a unit
// holds 120 households, rooms 101 to 3004.
const (
	doorsPerFloor = 4
	floorsPerUnit = 30
	perUnit       = doorsPerFloor * floorsPerUnit
)

// householdAt returns the i-th of a sequence of distinct households spread
// over buildings round robin; within a building, units fill up one after
// the other (as many as needed: an address allows two digits).
func householdAt(buildings []string, i int) household {
	b := buildings[i%len(buildings)]
	j := i / len(buildings)
	return household{
		building: b,
		unit:     j/perUnit + 1,
		room:     (j%perUnit/doorsPerFloor+1)*100 + j%doorsPerFloor + 1,
	}
}

// resident is one simulated WeChat user.
type resident struct {
	openID string
	home   household
	// community is the index of their community (Options.Communities).
	community int
	// bound: the service confirmed the binding; taken: it answered that
	// the door has a member already (see Options.bind).
	bound, taken bool
}

// residentsIn is residents spread over communities round robin, each in
// its community's buildings.
func residentsIn(prefix string, comms []Community, n, firstUnit int) []resident {
	out := make([]resident, n)
	for i := range out {
		c := i % len(comms)
		bs := comms[c].Buildings
		out[i] = resident{openID: fmt.Sprintf("%s%06d", prefix, i), community: c,
			home: householdAt(bs, firstUnit*perUnit*len(bs)+i/len(comms))}
	}
	return out
}

// runUnit picks the unit a run's residents start after, from the run's
// id: 0 to 59 (addresses have units of two digits at most, and a large
// run fills units past its first).
func runUnit(run string) int {
	h := fnv.New32a()
	h.Write([]byte(run))
	return int(h.Sum32() % 60)
}
