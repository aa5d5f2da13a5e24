package orders

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

var rosterSlot = time.Date(2022, 4, 10, 9, 0, 0, 0, time.UTC)

// rOrder makes an order for roster and pick list tests: household is
// "building-unit-room", lines are "SKU:qty".
func rOrder(id, grid, household string, status Status, day string, lines ...string) Order {
	parts := strings.Split(household, "-")
	if len(parts) != 3 {
		panic(household)
	}
	addr := Address{Building: parts[0], Unit: parts[1], Room: parts[2]}
	o := Order{ID: id, Grid: grid, Address: addr, Status: status, Day: day}
	for _, l := range lines {
		sku, q, _ := strings.Cut(l, ":")
		n, err := strconv.Atoi(q)
		if err != nil {
			panic(l)
		}
		o.Lines = append(o.Lines, Line{SKU: sku, Qty: n})
	}
	return o
}

// walkShare renders a share's stops as "seq supplier household#id" lines.
func walkShare(s Share) []string {
	var out []string
	for _, st := range s.Stops {
		out = append(out, fmt.Sprintf("%d %s %s#%s", st.Seq, st.Supplier, st.Address.Household(), st.OrderID))
	}
	return out
}

func TestBuildRosterOrder(t *testing.T) {
	cat := testCatalog(t)
	const d = "2022-04-10"
	tests := []struct {
		name string
		open []Order
		want []string
	}{
		{
			name: "supplier then building unit room",
			open: []Order{
				rOrder("1", "G1", "3-2-501", StatusPending, d, "MED-IBU:1"),
				rOrder("2", "G1", "3-2-501", StatusPending, d, "VEG-A:1"),
				rOrder("3", "G1", "3-1-101", StatusPending, d, "EGG-30:1"),
				rOrder("4", "G1", "2-1-101", StatusPending, d, "MED-LH:2"),
			},
			want: []string{
				"1 sm-xinyi 3-1-101#3",
				"2 sm-xinyi 3-2-501#2",
				"3 ph-renmin 2-1-101#4",
				"4 ph-renmin 3-2-501#1",
			},
		},
		{
			name: "numeric building unit room and id",
			open: []Order{
				rOrder("10", "G1", "12-1-101", StatusPending, d, "VEG-A:1"),
				rOrder("11", "G1", "3-10-101", StatusPending, d, "VEG-A:1"),
				rOrder("12", "G1", "3-2-1201", StatusPending, d, "VEG-A:1"),
				rOrder("13", "G1", "3-2-501", StatusPending, d, "VEG-A:1"),
				rOrder("14", "G1", "3A-1-101", StatusPending, d, "VEG-A:1"),
				rOrder("9", "G1", "3-2-501", StatusPending, d, "VEG-A:1"),
				rOrder("15", "G1", "03-2-502", StatusPending, d, "VEG-A:1"),
			},
			want: []string{
				"1 sm-xinyi 3-2-501#9",
				"2 sm-xinyi 3-2-501#13",
				"3 sm-xinyi 03-2-502#15",
				"4 sm-xinyi 3-2-1201#12",
				"5 sm-xinyi 3-10-101#11",
				"6 sm-xinyi 3A-1-101#14",
				"7 sm-xinyi 12-1-101#10",
			},
		},
		{
			name: "mixed order goes under the supplier of most lines",
			open: []Order{
				// Two supermarket lines, one pharmacy line.
				rOrder("1", "G1", "1-1-101", StatusPending, d, "MED-IBU:5", "VEG-A:1", "EGG-30:1"),
				// Two pharmacy lines, one supermarket line.
				rOrder("2", "G1", "1-1-102", StatusPending, d, "VEG-A:1", "MED-IBU:1", "MED-LH:1"),
				// A tie: the supplier listed first in the catalog.
				rOrder("3", "G1", "1-1-103", StatusPending, d, "MED-IBU:1", "VEG-A:1"),
				// No line the catalog knows: no supplier, walked last.
				rOrder("4", "G1", "1-1-100", StatusPending, d, "GONE:1"),
			},
			want: []string{
				"1 sm-xinyi 1-1-101#1",
				"2 sm-xinyi 1-1-103#3",
				"3 ph-renmin 1-1-102#2",
				"4  1-1-100#4",
			},
		},
		{
			name: "only open orders: pending, and assigned left from an earlier round",
			open: []Order{
				rOrder("1", "G1", "1-1-101", StatusCancelled, d, "VEG-A:1"),
				rOrder("2", "G1", "1-1-102", StatusDelivered, d, "VEG-A:1"),
				rOrder("3", "G1", "1-1-103", StatusReceived, d, "VEG-A:1"),
				rOrder("4", "G1", "1-1-104", StatusAssigned, d, "VEG-A:1"),
				rOrder("5", "G1", "1-1-105", StatusPending, d, "VEG-A:1"),
			},
			want: []string{"1 sm-xinyi 1-1-104#4", "2 sm-xinyi 1-1-105#5"},
		},
		{name: "nothing open"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := BuildRoster(cat, "G1", []string{"v1"}, tt.open, rosterSlot, nil)
			if r.Grid != "G1" || !r.Slot.Equal(rosterSlot) || len(r.Shares) != 1 || r.Shares[0].Volunteer != "v1" {
				t.Fatalf("roster %s %s with %d shares, want G1 %s with v1's share", r.Grid, r.Slot, len(r.Shares), rosterSlot)
			}
			if got := walkShare(r.Shares[0]); !slices.Equal(got, tt.want) {
				t.Errorf("stops:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestBuildRosterStopFields(t *testing.T) {
	cat := testCatalog(t)
	o := rOrder("7", "G1", "3-2-501", StatusPending, "2022-04-10", "VEG-A:2", "MED-IBU:1")
	o.Contact = "13800000000"
	r := BuildRoster(cat, "G1", nil, []Order{o}, rosterSlot, nil)
	want := Stop{Seq: 1, OrderID: "7", Address: o.Address, Lines: o.Lines, Contact: o.Contact, Supplier: "sm-xinyi"}
	if len(r.Shares) != 1 || len(r.Shares[0].Stops) != 1 || !reflect.DeepEqual(r.Shares[0].Stops[0], want) {
		t.Errorf("roster %+v, want one share with stop %+v", r, want)
	}
}

// rosterBuilding describes a building's stops for balancing tests: units and
// their stop counts.
type rosterBuilding struct {
	name  string
	units []int
}

// rosterOrders makes one pending supermarket order per stop of buildings,
// in the order given.
func rosterOrders(buildings []rosterBuilding) []Order {
	var os []Order
	for _, b := range buildings {
		for u, n := range b.units {
			for room := 1; room <= n; room++ {
				hh := fmt.Sprintf("%s-%d-%d", b.name, u+1, 100+room)
				os = append(os, rOrder(strconv.Itoa(len(os)+1), "G1", hh, StatusPending, "2022-04-10", "VEG-A:1"))
			}
		}
	}
	return os
}

func TestBuildRosterBalance(t *testing.T) {
	cat := testCatalog(t)
	tests := []struct {
		name       string
		volunteers []string
		buildings  []rosterBuilding
		// shares are loads in volunteer name order.
		wantLoads []int
		// split names the buildings expected in more than one share.
		split []string
	}{
		{
			name:       "10/4/4/2 over 3, biggest building is one unit",
			volunteers: []string{"c", "a", "b"},
			buildings:  []rosterBuilding{{"1", []int{4}}, {"2", []int{10}}, {"3", []int{2}}, {"4", []int{4}}},
			wantLoads:  []int{10, 6, 4},
		},
		{
			name:       "10/4/4/2 over 3, biggest building over a fair share splits by unit",
			volunteers: []string{"a", "b", "c"},
			buildings:  []rosterBuilding{{"1", []int{4}}, {"2", []int{5, 5}}, {"3", []int{2}}, {"4", []int{4}}},
			wantLoads:  []int{7, 5, 8},
			split:      []string{"2"},
		},
		{
			name:       "one building of 30 over 2 splits by unit",
			volunteers: []string{"a", "b"},
			buildings:  []rosterBuilding{{"8", []int{5, 5, 5, 5, 5, 5}}},
			wantLoads:  []int{15, 15},
			split:      []string{"8"},
		},
		{
			name:       "one building of 30 in one unit cannot split",
			volunteers: []string{"a", "b"},
			buildings:  []rosterBuilding{{"8", []int{30}}},
			wantLoads:  []int{30, 0},
		},
		{
			name:       "a building of exactly a fair share stays whole",
			volunteers: []string{"a", "b"},
			buildings:  []rosterBuilding{{"1", []int{8, 7}}, {"2", []int{5, 10}}},
			wantLoads:  []int{15, 15},
		},
		{
			name:       "uneven units",
			volunteers: []string{"a", "b", "c"},
			buildings:  []rosterBuilding{{"1", []int{12, 3, 3}}, {"2", []int{6}}, {"3", []int{4}}},
			wantLoads:  []int{12, 9, 7},
			split:      []string{"1"},
		},
		{
			name:       "more volunteers than buildings",
			volunteers: []string{"a", "b", "c", "d"},
			buildings:  []rosterBuilding{{"1", []int{3}}, {"2", []int{2}}},
			wantLoads:  []int{3, 2, 0, 0},
		},
		{
			name:       "duplicate and empty volunteer names",
			volunteers: []string{"b", "", "a", "b"},
			buildings:  []rosterBuilding{{"1", []int{3}}, {"2", []int{2}}, {"3", []int{1}}},
			wantLoads:  []int{3, 3},
		},
		{
			name:       "one volunteer takes all",
			volunteers: []string{"a"},
			buildings:  []rosterBuilding{{"1", []int{30, 30}}, {"2", []int{1}}},
			wantLoads:  []int{61},
		},
		{
			name:       "no volunteers",
			volunteers: nil,
			buildings:  []rosterBuilding{{"1", []int{3, 3}}, {"2", []int{1}}},
			wantLoads:  []int{7},
		},
		{
			name:       "only an empty volunteer name",
			volunteers: []string{""},
			buildings:  []rosterBuilding{{"1", []int{2}}},
			wantLoads:  []int{2},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			open := rosterOrders(tt.buildings)
			r := BuildRoster(cat, "G1", tt.volunteers, open, rosterSlot, nil)
			var loads []int
			for _, s := range r.Shares {
				loads = append(loads, len(s.Stops))
			}
			if !slices.Equal(loads, tt.wantLoads) {
				t.Errorf("loads %v, want %v", loads, tt.wantLoads)
			}
			checkRoster(t, r, open)
			buildingShares := map[string]map[string]bool{}
			unitShares := map[string]map[string]bool{}
			for _, s := range r.Shares {
				for _, st := range s.Stops {
					b, u := st.Address.Building, st.Address.Building+"-"+st.Address.Unit
					if buildingShares[b] == nil {
						buildingShares[b] = map[string]bool{}
					}
					if unitShares[u] == nil {
						unitShares[u] = map[string]bool{}
					}
					buildingShares[b][s.Volunteer] = true
					unitShares[u][s.Volunteer] = true
				}
			}
			for u, vs := range unitShares {
				if len(vs) != 1 {
					t.Errorf("unit %s is in %d shares, want 1", u, len(vs))
				}
			}
			for b, vs := range buildingShares {
				if want := slices.Contains(tt.split, b); (len(vs) > 1) != want {
					t.Errorf("building %s is in %d shares; want split: %v", b, len(vs), want)
				}
			}
		})
	}
}

// checkRoster checks what holds for every roster: shares sorted by name,
// every pending order in exactly one stop, stops numbered 1..n in walking
// order.
func checkRoster(t *testing.T, r Roster, open []Order) {
	t.Helper()
	if !slices.IsSortedFunc(r.Shares, func(a, b Share) int { return strings.Compare(a.Volunteer, b.Volunteer) }) {
		t.Errorf("shares not sorted by volunteer")
	}
	seen := map[string]int{}
	for _, s := range r.Shares {
		for i, st := range s.Stops {
			seen[st.OrderID]++
			if st.Seq != i+1 {
				t.Errorf("%s: stop %d has Seq %d", s.Volunteer, i+1, st.Seq)
			}
			if i > 0 {
				p := s.Stops[i-1]
				if stopSupplierRank(p.Supplier) > stopSupplierRank(st.Supplier) ||
					stopSupplierRank(p.Supplier) == stopSupplierRank(st.Supplier) &&
						cmpStopAddr(p.Address, st.Address) > 0 {
					t.Errorf("%s: stop %d %s before stop %d %s", s.Volunteer, i, p.Address, i+1, st.Address)
				}
			}
		}
	}
	for _, o := range open {
		want := 0
		if o.Status == StatusPending {
			want = 1
		}
		if seen[o.ID] != want {
			t.Errorf("order %s (%s) is in %d stops, want %d", o.ID, o.Status, seen[o.ID], want)
		}
	}
}

func stopSupplierRank(s string) int {
	return map[string]int{"sm-xinyi": 0, "ph-renmin": 1, "": 2}[s]
}

func cmpStopAddr(a, b Address) int {
	if c := compareNatural(CanonicalBuilding(a.Building), CanonicalBuilding(b.Building)); c != 0 {
		return c
	}
	if c := compareNatural(CanonicalBuilding(a.Unit), CanonicalBuilding(b.Unit)); c != 0 {
		return c
	}
	return compareNatural(a.Room, b.Room)
}

func TestBuildRosterDeterministic(t *testing.T) {
	cat := testCatalog(t)
	open := genBenchOrders(cat, 30_000, 7)
	var grid []Order
	for _, o := range open {
		if o.Grid == "G1" {
			grid = append(grid, o)
		}
	}
	volunteers := []string{"v3", "v1", "v2", "v4"}
	want := BuildRoster(cat, "G1", volunteers, grid, rosterSlot, nil)
	checkRoster(t, want, grid)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 5 {
		t.Run(fmt.Sprintf("shuffle %d", i), func(t *testing.T) {
			os := slices.Clone(grid)
			vs := slices.Clone(volunteers)
			rng.Shuffle(len(os), func(i, j int) { os[i], os[j] = os[j], os[i] })
			rng.Shuffle(len(vs), func(i, j int) { vs[i], vs[j] = vs[j], vs[i] })
			if got := BuildRoster(cat, "G1", vs, os, rosterSlot, nil); !reflect.DeepEqual(got, want) {
				t.Errorf("roster differs after shuffling the input")
			}
		})
	}
}

func TestRosterCompareNatural(t *testing.T) {
	sorted := []string{"", "0", "01", "1", "2", "3", "3A", "3B", "03C", "10", "12", "12-1", "101", "1201", "A", "A2", "A10", "B"}
	for i := range sorted {
		for j := range sorted {
			want := 0
			switch {
			case i < j:
				want = -1
			case i > j:
				want = 1
			}
			if got := compareNatural(sorted[i], sorted[j]); got != want {
				t.Errorf("compareNatural(%q, %q) = %d, want %d", sorted[i], sorted[j], got, want)
			}
		}
	}
}

// TestRosterJSON checks that a roster survives the JSON a Store keeps it in.
func TestRosterJSON(t *testing.T) {
	cat := testCatalog(t)
	o := rOrder("7", "G1", "3-2-501", StatusPending, "2022-04-10", "VEG-A:2", "MED-IBU:1")
	o.Contact = "13800000000"
	r := BuildRoster(cat, "G1", []string{"v1", "v2"}, []Order{o}, rosterSlot, nil)
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back Roster
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, r) {
		t.Errorf("after JSON %+v, want %+v", back, r)
	}
}

func BenchmarkBuildRoster100k(b *testing.B) {
	cat := testCatalog(b)
	open := genBenchOrders(cat, 100_000, 1)
	// A grid's orders as a Store would return them: allocated together,
	// not interleaved with other grids'.
	byGrid := map[string][]Order{}
	var grids []string
	for _, o := range open {
		if byGrid[o.Grid] == nil {
			grids = append(grids, o.Grid)
		}
		byGrid[o.Grid] = append(byGrid[o.Grid], o)
	}
	for _, os := range byGrid {
		for i := range os {
			os[i].Lines = slices.Clone(os[i].Lines)
		}
	}
	volunteers := []string{"v1", "v2", "v3"}
	b.ReportAllocs()
	for b.Loop() {
		for _, g := range grids {
			BuildRoster(cat, g, volunteers, byGrid[g], rosterSlot, nil)
		}
	}
}
