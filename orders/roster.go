package orders

import (
	"cmp"
	"slices"
	"time"

	"github.com/baogong/baogong/catalog"
)

// Stop is one door a volunteer knocks on: one order, handed over whole.
type Stop struct {
	// Seq is the 1-based position in the volunteer's route, the number a
	// volunteer replies with ("完成 3").
	Seq     int     `json:"seq"`
	OrderID string  `json:"order_id"`
	Address Address `json:"address"`
	// Lines are all of the order's lines, whatever supplier they come
	// from; the slice is the order's own, not a copy.
	Lines []Line `json:"lines"`
	// Contact is the household's phone as a lead wrote it in a 接龙, if
	// any; whoever renders the roster decides who may see it.
	Contact string `json:"contact,omitempty"`
	// Note is the household's remark (放门口就行).
	Note string `json:"note,omitempty"`
	// Supplier is the ID of the catalog supplier the stop is picked up
	// from: the one that provides most of the order's lines. It is ""
	// when none of the order's lines is a catalog item with a supplier.
	Supplier string `json:"supplier"`
	// Urgent stops (急, insulin, a marked household's order) are walked
	// first.
	Urgent bool `json:"urgent,omitempty"`
	// Marks are the household's marks (独居老人 …), for volunteers' eyes
	// only: a renderer shows them next to the address.
	Marks []Mark `json:"marks,omitempty"`
	// Carried stops were on an earlier round and not delivered then
	// (上一轮未送, TextCarried).
	Carried bool `json:"carried,omitempty"`
	// Collect is what the household was to pay at the door when the
	// roster was made (see Order.ToCollect), in fen; pages showing a
	// round later read the order's own.
	Collect int64 `json:"collect,omitempty"`
}

// Share is one volunteer's part of a roster, in the order to walk it.
type Share struct {
	// Volunteer is the volunteer's ID as the grid's team lists it, or ""
	// for a roster built with nobody on duty.
	Volunteer string `json:"volunteer"`
	// Name is what the office calls the volunteer (林师傅), "" when it has
	// no name for them: rosters and notices name people, never openids.
	Name  string `json:"name,omitempty"`
	Stops []Stop `json:"stops"`
}

// Roster is a grid's deliveries for one slot, split between its volunteers.
type Roster struct {
	Grid   string    `json:"grid"`
	Slot   time.Time `json:"slot"`
	Shares []Share   `json:"shares"`
}

// BuildRoster splits the grid's orders waiting for delivery between the
// grid's volunteers for the delivery round at slot. It is a pure function:
// the same arguments give the same roster, whatever the order of open and
// of volunteers (order IDs being unique).
//
// Orders: open is meant to be the grid's orders due in this round:
// pending ones, and assigned ones left undelivered from an earlier round;
// orders in any other status are ignored (o.Grid is not checked). Every order becomes
// exactly one Stop, even when its lines come from several suppliers: a
// household gets one knock and one "完成", and an order is delivered
// whole. The stop is filed under the supplier of most of its lines (lines
// are counted, not quantities; a tie goes to the supplier listed first in
// the catalog), so the volunteer collects it on that supplier's pickup
// run and the rest of its lines come along; Stop.Lines keeps every line,
// so a renderer can mark the ones from another supplier with cat.Item.
//
// Shares: one per distinct non-empty volunteer, in name order, including
// volunteers who get no stops. With no volunteers the roster has a single
// Share with Volunteer "" holding every stop. Stops are balanced by count:
// each building goes whole to one volunteer, unless the building alone
// has more than a fair share (its stops × volunteers > all stops); then
// its units are handed out instead, each unit whole. Buildings (or units)
// go largest first (equal sizes in building, then unit order) to the
// volunteer with the fewest stops so far, the first by name on a tie. Buildings and units are compared as
// CanonicalBuilding does, so "03" and "3" are one building.
//
// Within a share, urgent stops come first, then the other stops of
// households that carry a mark (marks, by household key; nil for none),
// then the rest; within each of these, stops are ordered by supplier
// (catalog order, no supplier last), then building, unit and room, each
// compared numerically ("3" before "12", "3A" after "3"), then order ID,
// and numbered Seq 1..n. Stops carry their order's Urgent flag and their
// household's marks; an assigned order is left from an earlier round and
// its stop is Carried.
func BuildRoster(cat *catalog.Catalog, grid string, volunteers []string, open []Order, slot time.Time, marks map[string][]Mark) Roster {
	sup := newSupplierIndex(cat)
	stops := make([]rosterStop, 0, len(open))
	count := make([]int, len(cat.Suppliers)+1)
	buildings, units, rooms := rankSet{}, rankSet{}, rankSet{}
	for i := range open {
		o := &open[i]
		// Assigned orders are left over from an earlier round (the caller
		// decides which are due); delivered or cancelled ones never are.
		if o.Status != StatusPending && o.Status != StatusAssigned {
			continue
		}
		stops = append(stops, rosterStop{
			order:    o,
			priority: stopPriority(o, marks),
			supplier: int32(sup.majority(cat, o.Lines, count)),
			building: buildings.add(CanonicalBuilding(o.Address.Building)),
			unit:     units.add(CanonicalBuilding(o.Address.Unit)),
			room:     rooms.add(o.Address.Room),
		})
	}
	buildings.rank()
	units.rank()
	rooms.rank()
	for i := range stops {
		s := &stops[i]
		s.building, s.unit, s.room = buildings.ranks[s.building], units.ranks[s.unit], rooms.ranks[s.room]
	}
	// Urgent and marked stops sort first, and the split below keeps the
	// order of stops within each share.
	slices.SortFunc(stops, compareStops)

	names := volunteerNames(volunteers)
	r := Roster{Grid: grid, Slot: slot, Shares: make([]Share, len(names))}
	for i, n := range names {
		r.Shares[i].Volunteer = n
	}
	owner := assign(stops, len(names), len(buildings.names), len(units.names))
	for i := range r.Shares {
		r.Shares[i].Stops = make([]Stop, 0, owner.load[i])
	}
	// stops is in walking order, so appending in that order keeps each
	// share in walking order too.
	for i := range stops {
		s := &r.Shares[owner.of[i]]
		o := stops[i].order
		s.Stops = append(s.Stops, Stop{
			Seq:      len(s.Stops) + 1,
			OrderID:  o.ID,
			Address:  o.Address,
			Lines:    o.Lines,
			Contact:  o.Contact,
			Note:     o.Note,
			Supplier: sup.id(int(stops[i].supplier)),
			Urgent:   o.Urgent,
			Marks:    marks[o.Household()],
			Carried:  o.Status == StatusAssigned,
			Collect:  o.ToCollect(),
		})
	}
	return r
}

// rosterStop is an order on its way to becoming a Stop, with its sort
// keys: its priority (see stopPriority), the supplier's index in the
// catalog (len(Suppliers) for none) and the ranks of its canonical
// building, canonical unit and room among those of all stops.
type rosterStop struct {
	order                                    *Order
	priority, supplier, building, unit, room int32
}

// stopPriority ranks an order for the roster: 0 urgent, 1 of a marked
// household, 2 the rest.
func stopPriority(o *Order, marks map[string][]Mark) int32 {
	switch {
	case o.Urgent:
		return 0
	case len(marks[o.Household()]) > 0:
		return 1
	}
	return 2
}

// compareStops orders stops for walking: priority, supplier, building,
// unit, room, then order ID and the address as written, so the order is
// total.
func compareStops(a, b rosterStop) int {
	if c := cmp.Compare(a.priority, b.priority); c != 0 {
		return c
	}
	if c := cmp.Compare(a.supplier, b.supplier); c != 0 {
		return c
	}
	if c := cmp.Compare(a.building, b.building); c != 0 {
		return c
	}
	if c := cmp.Compare(a.unit, b.unit); c != 0 {
		return c
	}
	if c := cmp.Compare(a.room, b.room); c != 0 {
		return c
	}
	if c := compareNatural(a.order.ID, b.order.ID); c != 0 {
		return c
	}
	if c := compareNatural(a.order.Address.Building, b.order.Address.Building); c != 0 {
		return c
	}
	return compareNatural(a.order.Address.Unit, b.order.Address.Unit)
}

// rankSet numbers distinct names in natural order (see compareNatural).
// add returns a provisional number; after rank, ranks maps it to the
// name's rank.
type rankSet struct {
	at    map[string]int32
	names []string
	ranks []int32
}

func (r *rankSet) add(name string) int32 {
	if i, ok := r.at[name]; ok {
		return i
	}
	if r.at == nil {
		r.at = map[string]int32{}
	}
	i := int32(len(r.names))
	r.at[name] = i
	r.names = append(r.names, name)
	return i
}

func (r *rankSet) rank() {
	order := make([]int32, len(r.names))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return compareNatural(r.names[a], r.names[b]) })
	r.ranks = make([]int32, len(r.names))
	for rank, i := range order {
		r.ranks[i] = int32(rank)
	}
}

// volunteerNames sorts and dedupes volunteers and drops empty names; with
// nobody left it returns the single name "".
func volunteerNames(volunteers []string) []string {
	names := make([]string, 0, len(volunteers))
	for _, v := range volunteers {
		if v != "" {
			names = append(names, v)
		}
	}
	slices.Sort(names)
	names = slices.Compact(names)
	if len(names) == 0 {
		names = append(names, "")
	}
	return names
}

// shareOf says which share each stop went to and how many stops each
// share got.
type shareOf struct {
	of   []int // by stop index
	load []int // by share index
}

// block is a run of stops that goes to one volunteer: a building, or a
// unit of a building too big for one volunteer (unit -1 for a whole
// building).
type block struct {
	stops          []int
	building, unit int32
}

// assign hands out stops to n shares as BuildRoster describes. nb and nu
// are the numbers of distinct buildings and units the stops rank in.
func assign(stops []rosterStop, n, nb, nu int) shareOf {
	res := shareOf{of: make([]int, len(stops)), load: make([]int, n)}
	if n == 1 || len(stops) == 0 {
		res.load[0] = len(stops)
		return res
	}
	buildings := make([]block, nb)
	for i, s := range stops {
		buildings[s.building].stops = append(buildings[s.building].stops, i)
	}
	blocks := make([]block, 0, nb)
	for b, bl := range buildings {
		bl.building, bl.unit = int32(b), -1
		if len(bl.stops)*n <= len(stops) {
			if len(bl.stops) > 0 {
				blocks = append(blocks, bl)
			}
			continue
		}
		// Over a fair share: hand out its units instead.
		units := make([]block, nu)
		for _, i := range bl.stops {
			u := stops[i].unit
			units[u].stops = append(units[u].stops, i)
		}
		for u, ul := range units {
			if len(ul.stops) > 0 {
				ul.building, ul.unit = int32(b), int32(u)
				blocks = append(blocks, ul)
			}
		}
	}
	slices.SortFunc(blocks, func(a, b block) int {
		return cmp.Or(
			cmp.Compare(len(b.stops), len(a.stops)),
			cmp.Compare(a.building, b.building),
			cmp.Compare(a.unit, b.unit),
		)
	})
	for _, b := range blocks {
		least := 0
		for v := 1; v < n; v++ {
			if res.load[v] < res.load[least] {
				least = v
			}
		}
		res.load[least] += len(b.stops)
		for _, i := range b.stops {
			res.of[i] = least
		}
	}
	return res
}

// supplierIndex numbers the catalog's suppliers in catalog order.
type supplierIndex struct {
	ids []string
	at  map[string]int
}

func newSupplierIndex(cat *catalog.Catalog) supplierIndex {
	x := supplierIndex{ids: make([]string, len(cat.Suppliers)), at: make(map[string]int, len(cat.Suppliers))}
	for i, s := range cat.Suppliers {
		x.ids[i] = s.ID
		x.at[s.ID] = i
	}
	return x
}

// of returns the index of the supplier of sku, or len(ids) when the SKU
// is not in the catalog or its supplier is not a catalog supplier.
func (x supplierIndex) of(cat *catalog.Catalog, sku string) int {
	if it, ok := cat.Item(sku); ok {
		if i, ok := x.at[it.Supplier]; ok {
			return i
		}
	}
	return len(x.ids)
}

// id returns the supplier ID at index i, or "" for none.
func (x supplierIndex) id(i int) string {
	if i < len(x.ids) {
		return x.ids[i]
	}
	return ""
}

// majority returns the index of the supplier of most of lines, the first
// in catalog order on a tie, or len(ids) when no line has a supplier.
// count is scratch space of len(ids)+1.
func (x supplierIndex) majority(cat *catalog.Catalog, lines []Line, count []int) int {
	clear(count)
	for _, l := range lines {
		count[x.of(cat, l.SKU)]++
	}
	best := len(x.ids)
	for i := range x.ids {
		if count[i] > 0 && (best == len(x.ids) || count[i] > count[best]) {
			best = i
		}
	}
	return best
}

// compareNatural compares building, unit, room and grid names the way
// people count: runs of ASCII digits compare as numbers ("3" < "12",
// "02" == "2" as a number), everything else byte by byte. Names equal
// as numbers are then ordered by their text, so the order is total.
func compareNatural(a, b string) int {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		ca, cb := a[i], b[j]
		if !isDigitByte(ca) || !isDigitByte(cb) {
			if ca != cb {
				return cmp.Compare(ca, cb)
			}
			i++
			j++
			continue
		}
		si, sj := i, j
		for i < len(a) && isDigitByte(a[i]) {
			i++
		}
		for j < len(b) && isDigitByte(b[j]) {
			j++
		}
		da, db := trimZeros(a[si:i]), trimZeros(b[sj:j])
		if c := cmp.Or(cmp.Compare(len(da), len(db)), cmp.Compare(da, db)); c != 0 {
			return c
		}
	}
	return cmp.Or(cmp.Compare(len(a)-i, len(b)-j), cmp.Compare(a, b))
}

func isDigitByte(c byte) bool { return '0' <= c && c <= '9' }

func trimZeros(s string) string {
	for len(s) > 1 && s[0] == '0' {
		s = s[1:]
	}
	return s
}

// RoundEnd is when the delivery round of slot is over, and with it the
// volunteer's link to it (and the households' phones on it): the end of
// the slot's day in loc, or 12 hours after the slot when that is later (a
// round sent the evening before is delivered the next morning). Stops
// left undelivered go on the next round, with a link of its own.
func RoundEnd(slot time.Time, loc *time.Location) time.Time {
	t := slot.In(loc)
	end := time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, loc)
	if late := slot.Add(12 * time.Hour); late.After(end) {
		return late
	}
	return end
}
