package orders

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/baogong/baogong/catalog"
)

func TestParseMarks(t *testing.T) {
	tests := []struct {
		in      string
		want    []Mark
		unknown []string
	}{
		{"独居老人", []Mark{MarkAlone}, nil},
		{"独居", []Mark{MarkAlone}, nil},
		{"空巢老人 血透", []Mark{MarkAlone, MarkDialysis}, nil},
		{"低保户、残疾人，孕妇", []Mark{MarkPregnant, MarkDisabled, MarkLowIncome}, nil},
		{"透析 透析", []Mark{MarkDialysis}, nil},
		{"低保 有钱", []Mark{MarkLowIncome}, []string{"有钱"}},
		{"", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, unknown := ParseMarks(tt.in)
			if !reflect.DeepEqual(got, tt.want) || !reflect.DeepEqual(unknown, tt.unknown) {
				t.Errorf("ParseMarks(%q) = %v %v, want %v %v", tt.in, got, unknown, tt.want, tt.unknown)
			}
		})
	}
	if got := SortMarks([]Mark{MarkLowIncome, "富豪", MarkAlone, MarkLowIncome}); !reflect.DeepEqual(got, []Mark{MarkAlone, MarkLowIncome}) {
		t.Errorf("SortMarks: %v", got)
	}
}

func TestCutUrgent(t *testing.T) {
	stock := 10
	cat, err := catalog.New(nil, []catalog.Item{
		{SKU: "VEG", Name: "蔬菜包", Unit: "份", PriceFen: 5000, Stock: &stock},
		{SKU: "COUGH", Name: "急支糖浆", Aliases: []string{"急支"}, Unit: "瓶", PriceFen: 1500},
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		in     string
		urgent bool
		items  []ItemRequest
	}{
		{"蔬菜包1份", false, []ItemRequest{{SKU: "VEG", Qty: 1}}},
		{"急！蔬菜包1份", true, []ItemRequest{{SKU: "VEG", Qty: 1}}},
		{"紧急 蔬菜包1份", true, []ItemRequest{{SKU: "VEG", Qty: 1}}},
		{"救命 蔬菜包1份 很急", true, []ItemRequest{{SKU: "VEG", Qty: 1}}},
		{"蔬菜包1份 急需", true, []ItemRequest{{SKU: "VEG", Qty: 1}}},
		{"蔬菜包1份 不急", false, []ItemRequest{{SKU: "VEG", Qty: 1}}},
		{"不着急，蔬菜包1份", false, []ItemRequest{{SKU: "VEG", Qty: 1}}},
		{"急支糖浆1瓶", false, []ItemRequest{{SKU: "COUGH", Qty: 1}}},
		{"急支糖浆1瓶 急", true, []ItemRequest{{SKU: "COUGH", Qty: 1}}},
		{"救急 蔬菜包1份", true, []ItemRequest{{SKU: "VEG", Qty: 1}}}, // was 救, unknown: paged as a cry, nothing ordered
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			rest, urgent := CutUrgent(cat, tt.in)
			if urgent != tt.urgent {
				t.Errorf("urgent = %v, want %v", urgent, tt.urgent)
			}
			p := ParseItems(cat, rest)
			if !reflect.DeepEqual(p.Items, tt.items) || len(p.Unknown) > 0 {
				t.Errorf("rest %q parses as %+v unknown %v", rest, p.Items, p.Unknown)
			}
		})
	}
}

func TestIsUrgent(t *testing.T) {
	cat, err := catalog.New(nil, []catalog.Item{
		{SKU: "VEG", Name: "蔬菜包", Unit: "份", PriceFen: 5000},
		{SKU: "INS", Name: "胰岛素", Unit: "支", PriceFen: 6800, Urgent: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	veg, ins := []Line{{SKU: "VEG", Qty: 1}}, []Line{{SKU: "VEG", Qty: 1}, {SKU: "INS", Qty: 1}}
	for _, tt := range []struct {
		name  string
		lines []Line
		said  bool
		marks []Mark
		want  bool
	}{
		{"plain", veg, false, nil, false},
		{"said", veg, true, nil, true},
		{"urgent item", ins, false, nil, true},
		{"marked household", veg, false, []Mark{MarkLowIncome}, true},
	} {
		if got := IsUrgent(cat, tt.lines, tt.said, tt.marks); got != tt.want {
			t.Errorf("%s: IsUrgent = %v", tt.name, got)
		}
	}
}

func TestPendingSince(t *testing.T) {
	t0 := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	o := Order{CreatedAt: t0, History: []Event{{At: t0, Status: StatusPending}}}
	if got := PendingSince(o); !got.Equal(t0) {
		t.Errorf("placed pending: %v", got)
	}
	o.History = append(o.History, Event{At: t0.Add(time.Minute), Status: StatusPending, Note: "修改"})
	if got := PendingSince(o); !got.Equal(t0) {
		t.Errorf("an edit moved it: %v", got)
	}
	rx := Order{CreatedAt: t0, History: []Event{{At: t0, Status: StatusAwaitingRx}, {At: t0.Add(time.Hour), Status: StatusPending}}}
	if got := PendingSince(rx); !got.Equal(t0.Add(time.Hour)) {
		t.Errorf("approved later: %v", got)
	}
}

func TestParseTextUrgentLines(t *testing.T) {
	cat := testCatalog(t)
	res := ParseText(cat, "#接龙 3栋\n1. 3-2-501 蔬菜包1份 急\n2. 3-2-502 鸡蛋1盒\n3. 3-2-503 布洛芬1盒 不急", Context{})
	if len(res.Orders) != 3 || len(res.Rejected) != 0 {
		t.Fatalf("parsed %+v", res)
	}
	var got []bool
	for _, o := range res.Orders {
		got = append(got, o.Urgent)
	}
	if !reflect.DeepEqual(got, []bool{true, false, false}) {
		t.Errorf("urgent lines: %v", got)
	}
}

func TestBuildRosterUrgentAndMarkedFirst(t *testing.T) {
	cat := testCatalog(t)
	const d = "2022-04-10"
	urgent := rOrder("5", "G1", "5-1-101", StatusPending, d, "MED-IBU:1")
	urgent.Urgent = true
	open := []Order{
		rOrder("1", "G1", "3-1-101", StatusPending, d, "VEG-A:1"),
		rOrder("2", "G1", "3-2-501", StatusPending, d, "VEG-A:1"),
		rOrder("3", "G1", "3-2-502", StatusPending, d, "EGG-30:1"),
		rOrder("4", "G1", "5-1-102", StatusPending, d, "VEG-A:1"),
		urgent,
	}
	marks := map[string][]Mark{"3-2-502": {MarkAlone}, "9-9-999": {MarkDialysis}}
	r := BuildRoster(cat, "G1", []string{"v1"}, open, rosterSlot, marks)
	got := strings.Join(walkShare(r.Shares[0]), " | ")
	want := "1 ph-renmin 5-1-101#5 | 2 sm-xinyi 3-2-502#3 | 3 sm-xinyi 3-1-101#1 | 4 sm-xinyi 3-2-501#2 | 5 sm-xinyi 5-1-102#4"
	if got != want {
		t.Errorf("walk:\n got %s\nwant %s", got, want)
	}
	st := r.Shares[0].Stops
	if !st[0].Urgent || st[1].Urgent || !reflect.DeepEqual(st[1].Marks, []Mark{MarkAlone}) || st[2].Marks != nil {
		t.Errorf("stops carry urgency and marks: %+v", st[:3])
	}
	// Split between two volunteers, each share still starts with its
	// urgent and marked stops.
	r = BuildRoster(cat, "G1", []string{"v1", "v2"}, open, rosterSlot, marks)
	for _, sh := range r.Shares {
		seenPlain := false
		for _, s := range sh.Stops {
			first := s.Urgent || len(s.Marks) > 0
			if first && seenPlain {
				t.Errorf("%s: a priority stop after a plain one: %v", sh.Volunteer, walkShare(sh))
			}
			seenPlain = seenPlain || !first
		}
	}
	// Without marks the roster is as before.
	plain := BuildRoster(cat, "G1", []string{"v1"}, open[:4], rosterSlot, nil)
	if got := strings.Join(walkShare(plain.Shares[0]), " | "); got != "1 sm-xinyi 3-1-101#1 | 2 sm-xinyi 3-2-501#2 | 3 sm-xinyi 3-2-502#3 | 4 sm-xinyi 5-1-102#4" {
		t.Errorf("plain walk: %s", got)
	}
}
