package orders

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"testing"
	"time"
)

// fakeListStore is a ListStore in memory (no stock or limits) whose
// WriteList and ListWritten fail on demand.
type fakeListStore struct {
	orders   map[string]Order
	entries  map[string]ListEntry
	requests map[string]string
	answers  map[string][]ListWritten // saved answers by call name; nil: fenced off
	seq      int
	calls    int
	// writeList decides WriteList call n (from 0): whether it is applied
	// and the error the caller gets; nil applies every call.
	writeList func(n int) (applied bool, err error)
	// listWritten, when set, is the error of every ListWritten.
	listWritten error
	readErr     error
}

func newFakeListStore() *fakeListStore {
	return &fakeListStore{orders: map[string]Order{}, entries: map[string]ListEntry{},
		requests: map[string]string{}, answers: map[string][]ListWritten{}}
}

func (f *fakeListStore) ListEntries(context.Context, string) (map[string]ListEntry, error) {
	out := map[string]ListEntry{}
	for k, e := range f.entries {
		out[k] = e
	}
	return out, f.readErr
}

func (f *fakeListStore) OrdersByID(_ context.Context, ids []string) (map[string]Order, error) {
	out := map[string]Order{}
	for _, id := range ids {
		if o, ok := f.orders[id]; ok {
			out[id] = o
		}
	}
	return out, nil
}

func (f *fakeListStore) RecentOrders(_ context.Context, households []string, since time.Time) (map[string][]Order, error) {
	out := map[string][]Order{}
	for _, hh := range households {
		for _, o := range f.orders {
			if o.Household() == hh && !o.CreatedAt.Before(since) {
				out[hh] = append(out[hh], o)
			}
		}
	}
	return out, nil
}

func (f *fakeListStore) MarksOf(context.Context, []string) (map[string][]Mark, error) {
	return nil, nil
}

func (f *fakeListStore) DayClosed(context.Context, string) (bool, error) { return false, nil }

func (f *fakeListStore) WriteList(_ context.Context, key, _ string, ws []ListWrite) ([]ListWritten, error) {
	if saved, ok := f.answers[key]; ok {
		if saved == nil {
			return nil, fmt.Errorf("fenced off: %w", ErrNotFound)
		}
		return saved, nil
	}
	applied, err := true, error(nil)
	if f.writeList != nil {
		applied, err = f.writeList(f.calls)
	}
	f.calls++
	if !applied {
		return nil, err
	}
	out := make([]ListWritten, len(ws))
	for i, w := range ws {
		e := w.Entry
		if w.Place != nil {
			if id, ok := f.requests[w.RequestID]; ok {
				out[i].Order = f.orders[id]
			} else {
				f.seq++
				o := *w.Place
				o.ID = strconv.Itoa(1000 + f.seq)
				f.orders[o.ID], f.requests[w.RequestID] = o, o.ID
				out[i].Order, out[i].Created = o, true
			}
			e.OrderID = out[i].Order.ID
		}
		f.entries[e.Household] = e
	}
	f.answers[key] = out
	return out, err
}

func (f *fakeListStore) ListWritten(_ context.Context, key string, _ []ListWrite) ([]ListWritten, error) {
	if f.listWritten != nil {
		return nil, f.listWritten
	}
	if saved := f.answers[key]; saved != nil {
		return saved, nil
	}
	f.answers[key] = nil
	return nil, ErrNotFound
}

func (f *fakeListStore) UpdateLines(_ context.Context, id string, lines []Line, total int64, _ string, _ time.Time) (Order, error) {
	o := f.orders[id]
	o.Lines, o.TotalFen = lines, total
	f.orders[id] = o
	return o, nil
}

func (f *fakeListStore) CancelOrder(_ context.Context, id, _, _ string, _ time.Time, _ *Ack) (Order, error) {
	o := f.orders[id]
	o.Status = StatusCancelled
	f.orders[id] = o
	return o, nil
}

// open counts each household's orders that are not cancelled.
func (f *fakeListStore) open() map[string]int {
	n := map[string]int{}
	for _, o := range f.orders {
		if o.Status != StatusCancelled {
			n[o.Household()]++
		}
	}
	return n
}

// testLists applies pastes to store for a community of building 3.
func testLists(t *testing.T, store ListStore) *Lists {
	return &Lists{Store: store, Catalog: testCatalog(t), Location: time.UTC,
		Community: &Community{Grids: []Grid{{ID: "G1", Buildings: []string{"3"}}}}}
}

// pasteRequest is a paste of n households of building 3, each one
// vegetable pack (qty packs from line 1 on).
func pasteRequest(n, qty int) ListRequest {
	req := ListRequest{Lead: "lead", Buildings: []string{"3"}, ListID: "list", CancelMissing: true,
		At: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}
	for i := range n {
		q := 1
		if i == 0 {
			q = qty
		}
		req.Lines = append(req.Lines, ListLine{Line: i + 3, Number: i + 1,
			Address: Address{Building: "3", Unit: strconv.Itoa(1 + i%4), Room: strconv.Itoa(101 + i/4)},
			Items:   []ItemRequest{{SKU: "VEG-A", Qty: q}}})
	}
	return req
}

func outcomes(rep ListReport) map[ListOutcome]int {
	n := map[ListOutcome]int{}
	for _, r := range rep.Results {
		n[r.Outcome]++
	}
	return n
}

// TestApplyInterrupted: a store failing in the middle of a 250-household
// paste (three calls of 100, 100 and 50) leaves a report that says, for
// each household, what is known; the same paste again completes it, and
// nobody has two orders.
func TestApplyInterrupted(t *testing.T) {
	boom := errors.New("i/o timeout")
	tests := []struct {
		name        string
		writeList   func(n int) (bool, error)
		listWritten error
		want        map[ListOutcome]int
	}{
		{"second call applied, answer lost", func(n int) (bool, error) { return true, errIf(n == 1, boom) },
			nil, map[ListOutcome]int{OutcomeCreated: 200, OutcomeNotDone: 50}},
		{"second call never arrived", func(n int) (bool, error) { return n != 1, errIf(n == 1, boom) },
			nil, map[ListOutcome]int{OutcomeCreated: 100, OutcomeNotDone: 150}},
		{"no answer to the look-up either", func(n int) (bool, error) { return true, errIf(n == 1, boom) },
			boom, map[ListOutcome]int{OutcomeCreated: 100, OutcomeUnknown: 100, OutcomeNotDone: 50}},
		{"first call", func(n int) (bool, error) { return false, errIf(n == 0, boom) },
			boom, map[ListOutcome]int{OutcomeUnknown: 100, OutcomeNotDone: 150}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := newFakeListStore()
			store.writeList, store.listWritten = tt.writeList, tt.listWritten
			l := testLists(t, store)
			rep, err := l.Apply(context.Background(), pasteRequest(250, 1), 0)
			if !errors.Is(err, boom) || !rep.Interrupted {
				t.Fatalf("err %v, interrupted %v", err, rep.Interrupted)
			}
			if got := outcomes(rep); fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("outcomes %v, want %v", got, tt.want)
			}
			for _, r := range rep.Results {
				if (r.Outcome == OutcomeUnknown || r.Outcome == OutcomeNotDone) != (r.Tried == OutcomeCreated) {
					t.Errorf("line %d: %s tried %q", r.Line, r.Outcome, r.Tried)
				}
			}
			store.writeList, store.listWritten = nil, nil
			rep, err = l.Apply(context.Background(), pasteRequest(250, 1), 0)
			if err != nil || rep.Interrupted || rep.Count(OutcomeCreated)+rep.Count(OutcomeUnchanged) != 250 {
				t.Errorf("re-paste: %v %v", outcomes(rep), err)
			}
			open := store.open()
			for _, line := range pasteRequest(250, 1).Lines {
				if n := open[line.Address.Household()]; n != 1 {
					t.Errorf("%s has %d orders", line.Address, n)
				}
			}
		})
	}
}

// TestApplyUpdateInterrupted: a change of quantity whose write gets no
// answer is reported as maybe changed, and the lines after it as not done.
func TestApplyUpdateInterrupted(t *testing.T) {
	store := newFakeListStore()
	l := testLists(t, store)
	ctx := context.Background()
	if _, err := l.Apply(ctx, pasteRequest(3, 1), 0); err != nil {
		t.Fatal(err)
	}
	failing := &failingUpdates{fakeListStore: store}
	l.Store = failing
	req := pasteRequest(5, 2) // line 1 changes, two new households
	rep, err := l.Apply(ctx, req, 0)
	if err == nil || !rep.Interrupted {
		t.Fatalf("err %v, interrupted %v", err, rep.Interrupted)
	}
	want := []struct{ outcome, tried ListOutcome }{
		{OutcomeUnknown, OutcomeUpdated}, {OutcomeUnchanged, ""}, {OutcomeUnchanged, ""},
		{OutcomeNotDone, OutcomeCreated}, {OutcomeNotDone, OutcomeCreated},
	}
	for i, w := range want {
		if r := rep.Results[i]; r.Outcome != w.outcome || r.Tried != w.tried {
			t.Errorf("line %d: %s tried %q, want %s tried %q", r.Line, r.Outcome, r.Tried, w.outcome, w.tried)
		}
	}
}

// failingUpdates is a fakeListStore whose UpdateLines gets no answer.
type failingUpdates struct{ *fakeListStore }

func (failingUpdates) UpdateLines(context.Context, string, []Line, int64, string, time.Time) (Order, error) {
	return Order{}, errors.New("i/o timeout")
}

// TestApplyReadFails: a store that fails before anything is written
// gives an empty report, not an interrupted one: 系统繁忙 is then true.
func TestApplyReadFails(t *testing.T) {
	store := newFakeListStore()
	store.readErr = errors.New("connection refused")
	l := testLists(t, store)
	rep, err := l.Apply(context.Background(), pasteRequest(10, 1), 0)
	if err == nil || rep.Interrupted || len(rep.Results) != 0 || store.calls != 0 {
		t.Errorf("err %v, report %+v, %d calls", err, rep, store.calls)
	}
}

func errIf(cond bool, err error) error {
	if cond {
		return err
	}
	return nil
}
