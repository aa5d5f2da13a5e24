package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/baogong/baogong/internal/redistest"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/orders/redisstore"
)

// The tests in this file run the store on a real three-master Redis Cluster:
// every script must find all its keys in one slot, or Redis refuses it with
// CROSSSLOT.

func clusterClient(t testing.TB) *redis.ClusterClient {
	t.Helper()
	c := redistest.SharedCluster(t).Client()
	t.Cleanup(func() { c.Close() })
	return c
}

// tagged is a key of community as keys.go names them: bg:{community}:rest.
func tagged(community, rest string) string { return "bg:{" + community + "}:" + rest }

// masterOf returns the address of the master that serves community's slot.
func masterOf(t testing.TB, rdb *redis.ClusterClient, community string) string {
	t.Helper()
	m, err := rdb.MasterForKey(context.Background(), tagged(community, "orders"))
	if err != nil {
		t.Fatal(err)
	}
	return m.Options().Addr
}

// communitiesOnNodes returns n new communities, each served by a different
// master, so the tests know they exercise more than one node.
func communitiesOnNodes(t testing.TB, rdb *redis.ClusterClient, n int) []string {
	t.Helper()
	var out []string
	seen := map[string]bool{}
	for range 500 {
		c := redistest.Community(t)
		if node := masterOf(t, rdb, c); !seen[node] {
			seen[node] = true
			out = append(out, c)
			if len(out) == n {
				return out
			}
		}
	}
	t.Fatalf("found communities on only %d distinct masters, want %d", len(out), n)
	return nil
}

// keysLandOnOneNode checks, node by node, where the keys of community
// actually are: all on the master that serves its slot, all in that slot.
// It returns that master.
func keysLandOnOneNode(t *testing.T, rdb *redis.ClusterClient, community string) string {
	t.Helper()
	ctx := context.Background()
	want := masterOf(t, rdb, community)
	wantSlot, err := rdb.ClusterKeySlot(ctx, tagged(community, "orders")).Result()
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, addr := range redistest.SharedCluster(t).Addrs {
		node := redis.NewClient(&redis.Options{Addr: addr})
		found, err := node.Keys(ctx, tagged(community, "*")).Result()
		node.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(found) > 0 && addr != want {
			t.Errorf("community %s: keys %v on %s, want all on %s", community, found, addr, want)
		}
		for _, k := range found {
			if slot, err := rdb.ClusterKeySlot(ctx, k).Result(); err != nil || slot != wantSlot {
				t.Errorf("key %s in slot %d (%v), want %d", k, slot, err, wantSlot)
			}
		}
		total += len(found)
	}
	if total < 10 {
		t.Errorf("community %s: only %d keys found on the nodes; the check saw nothing", community, total)
	}
	return want
}

// TestClusterStore runs the store for three communities whose hash tags put
// them on three different masters.
func TestClusterStore(t *testing.T) {
	rdb := clusterClient(t)
	var mu sync.Mutex
	landed := map[string]string{} // community -> master holding its keys
	communities := communitiesOnNodes(t, rdb, 3)
	for _, c := range communities {
		t.Run(c, func(t *testing.T) {
			t.Parallel()
			storeLifeOnCluster(t, rdb, c)
			node := keysLandOnOneNode(t, rdb, c)
			mu.Lock()
			landed[c] = node
			mu.Unlock()
		})
	}
	t.Cleanup(func() { // after the parallel subtests
		if len(landed) < len(communities) {
			return // a subtest failed and said why
		}
		distinct := map[string]bool{}
		for _, n := range landed {
			distinct[n] = true
		}
		if len(distinct) < 2 {
			t.Errorf("communities' keys landed on %v: the test did not span nodes", landed)
		}
		t.Logf("communities by master: %v", landed)
	})
}

// storeLifeOnCluster runs every Store method on community through the
// cluster client, with the outcomes of the single-server tests, and fails
// on any error, CROSSSLOT included.
func storeLifeOnCluster(t *testing.T, rdb *redis.ClusterClient, community string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cat := testCatalog(t, 3)
	s := redisstore.New(rdb, community, cat)
	if err := s.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.SetStock(ctx, map[string]int{"VEG": 3, "EGG": 1000}); err != nil {
		t.Fatalf("SetStock: %v", err)
	}
	wantLeft := func(want int) {
		t.Helper()
		left, err := s.StockLeft(ctx)
		if err != nil || left["VEG"] != want || left["EGG"] != 1000 {
			t.Fatalf("StockLeft = %v %v, want VEG %d EGG 1000", left, err, want)
		}
	}
	wantLeft(3)

	day1 := time.Date(2026, 11, 24, 9, 0, 0, 0, shanghai)
	day2 := day1.Add(24 * time.Hour)
	first, created, err := s.PlaceOrder(ctx, order(t, cat, "501", day1, veg(2), orders.ItemRequest{SKU: "MED", Qty: 1}), "req-1", nil)
	if err != nil || !created || first.ID != "1001" {
		t.Fatalf("place: id %s created=%v err=%v", first.ID, created, err)
	}
	again, created, err := s.PlaceOrder(ctx, order(t, cat, "501", day1, veg(2), orders.ItemRequest{SKU: "MED", Qty: 1}), "req-1", nil)
	if err != nil || created || again.ID != first.ID {
		t.Fatalf("retry: id %s created=%v err=%v, want %s false nil", again.ID, created, err, first.ID)
	}
	wantLeft(1)

	var short *orders.ShortageError
	_, _, err = s.PlaceOrder(ctx, order(t, cat, "502", day1, veg(2)), "req-2", nil)
	if !errors.As(err, &short) || !errors.Is(err, orders.ErrSoldOut) || short.Left != 1 {
		t.Fatalf("sold out: %v", err)
	}
	_, _, err = s.PlaceOrder(ctx, order(t, cat, "501", day1, veg(1)), "req-3", nil)
	if !errors.As(err, &short) || !errors.Is(err, orders.ErrLimit) || short.Left != 0 || short.Limit != 2 {
		t.Fatalf("limit: %v", err)
	}
	wantLeft(1)

	o := order(t, cat, "503", day2, veg(1))
	o.Grid = "G2"
	second, created, err := s.PlaceOrder(ctx, o, "req-4", nil)
	if err != nil || !created || second.ID == first.ID {
		t.Fatalf("second order: %+v created=%v err=%v", second, created, err)
	}
	wantLeft(0)

	cancelled, err := s.CancelOrder(ctx, first.ID, "openid-501", "居民取消", day1.Add(time.Minute), nil)
	if err != nil || cancelled.Status != orders.StatusCancelled || len(cancelled.History) != 2 {
		t.Fatalf("cancel: %+v %v", cancelled, err)
	}
	wantLeft(2)
	if got, err := s.CancelOrder(ctx, first.ID, "x", "", day1, nil); !errors.Is(err, orders.ErrConflict) || got.Status != orders.StatusCancelled {
		t.Errorf("second cancel: %v %v", got.Status, err)
	}
	if _, err := s.CancelOrder(ctx, "999999", "x", "", day1, nil); !errors.Is(err, orders.ErrNotFound) {
		t.Errorf("unknown id: %v", err)
	}
	// The cancel gave the household's limit back.
	third, _, err := s.PlaceOrder(ctx, order(t, cat, "501", day1.Add(2*time.Minute), veg(2)), "req-5", nil)
	if err != nil {
		t.Fatalf("limit not given back: %v", err)
	}
	wantLeft(0)

	ids := func(list []orders.Order, err error) string {
		if err != nil {
			return "error: " + err.Error()
		}
		var s []string
		for _, o := range list {
			s = append(s, o.ID)
		}
		return strings.Join(s, ",")
	}
	for _, tt := range []struct {
		name string
		f    orders.Filter
		want []string
	}{
		// Newest first: second was placed the next day.
		{"all", orders.Filter{}, []string{second.ID, third.ID, first.ID}},
		{"grid", orders.Filter{Grid: "G1"}, []string{third.ID, first.ID}},
		{"day", orders.Filter{Day: "2026-11-25"}, []string{second.ID}},
		{"pending of day", orders.Filter{Day: "2026-11-24", Status: orders.StatusPending}, []string{third.ID}},
		{"cancelled", orders.Filter{Status: orders.StatusCancelled}, []string{first.ID}},
		{"limit", orders.Filter{Limit: 1}, []string{second.ID}},
	} {
		if got, want := ids(s.Orders(ctx, tt.f)), strings.Join(tt.want, ","); got != want {
			t.Errorf("Orders(%s) = %s, want %s", tt.name, got, want)
		}
	}
	if got, want := ids(s.HouseholdOrders(ctx, "3-2-501", 10)), third.ID+","+first.ID; got != want {
		t.Errorf("HouseholdOrders = %s, want %s", got, want)
	}
	if got, err := s.Order(ctx, second.ID); err != nil || got.Grid != "G2" || got.Status != orders.StatusPending {
		t.Errorf("Order(%s) = %+v %v", second.ID, got, err)
	}

	// Raising the total by 10 adds 10; the same total again changes nothing.
	for range 2 {
		if err := s.SetStock(ctx, map[string]int{"VEG": 13}); err != nil {
			t.Fatal(err)
		}
		wantLeft(10)
	}

	if _, err := s.Binding(ctx, "nobody"); !errors.Is(err, orders.ErrNotFound) {
		t.Errorf("unbound: %v", err)
	}
	b := orders.Binding{OpenID: "o1", Address: orders.Address{Building: "3", Unit: "2", Room: "501"}, Grid: "G1", At: day1}
	if _, err := s.BindApproved(ctx, b); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Binding(ctx, "o1"); err != nil || got.Address != b.Address || got.Grid != "G1" || !got.At.Equal(b.At) {
		t.Errorf("Binding = %+v %v", got, err)
	}
	// Rebinding moves the user between two households' sets in one
	// script (bind.lua has three keys).
	b.Address.Room = "502"
	if _, err := s.BindApproved(ctx, b); err != nil {
		t.Fatalf("rebind: %v", err)
	}
	for hh, want := range map[string]string{"3-2-501": "[]", "3-2-502": "[o1]"} {
		if u, err := s.HouseholdUsers(ctx, hh); err != nil || fmt.Sprint(u) != want {
			t.Errorf("HouseholdUsers(%s) = %v %v, want %s", hh, u, err, want)
		}
	}

	// Queues, line changes and deliveries.
	for grid, want := range map[string]string{"G1": third.ID, "G2": second.ID} {
		if got := ids(s.OpenOrders(ctx, grid)); got != want {
			t.Errorf("OpenOrders(%s) = %s, want %s", grid, got, want)
		}
	}
	// A shortfall's cut moves the order and its record in one script
	// (revise.lua with the record's key); a second cut from the same
	// reading of the record is refused.
	cut := func(o *orders.Order) (orders.Line, error) { return orders.ApplyCut(o, "VEG", 1, "sm", "缺货", day1) }
	rec := orders.Shortfall{Day: third.Day, SKU: "VEG", By: "sm", At: day1}
	if got, taken, err := s.CutShortfall(ctx, third.ID, rec, 0, cut); err != nil || taken.Qty != 1 || got.TotalFen != third.TotalFen/2 {
		t.Fatalf("CutShortfall: %+v %+v %v", got, taken, err)
	}
	if _, _, err := s.CutShortfall(ctx, third.ID, rec, 0, cut); !errors.Is(err, orders.ErrShortfallMoved) {
		t.Errorf("CutShortfall from a stale record: %v", err)
	}
	if f, err := s.Shortfall(ctx, third.Day, "VEG"); err != nil || f.Qty != 1 {
		t.Errorf("Shortfall = %+v %v", f, err)
	}
	update := func(reqs ...orders.ItemRequest) error {
		lines, total, err := orders.Lines(cat, reqs)
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.UpdateLines(ctx, second.ID, lines, total, "lead", day2)
		return err
	}
	if err := update(veg(2)); err != nil {
		t.Fatalf("UpdateLines: %v", err)
	}
	wantLeft(9)
	if err := update(veg(3)); !errors.Is(err, orders.ErrLimit) {
		t.Errorf("UpdateLines over the limit: %v", err)
	}
	wantLeft(9)
	for _, to := range []orders.Status{orders.StatusDelivered, orders.StatusReceived} {
		if got, err := s.Transition(ctx, second.ID, to, "lead", "", day2); err != nil || got.Status != to {
			t.Fatalf("Transition to %s: %v %v", to, got.Status, err)
		}
	}
	if _, err := s.CancelOrder(ctx, second.ID, "x", "", day2, nil); !errors.Is(err, orders.ErrConflict) {
		t.Errorf("cancel after receipt: %v", err)
	}
	if got := ids(s.OpenOrders(ctx, "G2")); got != "" {
		t.Errorf("received order still queued: %s", got)
	}
	wantLeft(9)

	// Leads and 接龙 snapshots.
	if err := s.AddLead(ctx, orders.Lead{OpenID: "l1", Buildings: []string{"3", "5"}}); err != nil {
		t.Fatal(err)
	}
	if ls, err := s.Leads(ctx); err != nil || len(ls) != 1 || fmt.Sprint(ls[0].Buildings) != "[3 5]" {
		t.Errorf("Leads = %+v %v", ls, err)
	}
	if err := s.RemoveLead(ctx, "l1"); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveLead(ctx, "l1"); !errors.Is(err, orders.ErrNotFound) {
		t.Errorf("remove lead twice: %v", err)
	}
	ws := []orders.ListWrite{{Entry: orders.ListEntry{Household: "3-2-501", OrderID: third.ID, Line: 2}},
		{Entry: orders.ListEntry{Household: "3-2-503", OrderID: second.ID, Line: 3}}}
	if _, err := s.WriteList(ctx, "k1", "list-1", ws); err != nil {
		t.Fatalf("WriteList: %v", err)
	}
	if es, err := s.ListEntries(ctx, "list-1"); err != nil || len(es) != 2 || es["3-2-503"].OrderID != second.ID {
		t.Errorf("ListEntries = %v %v", es, err)
	}
}

// TestClusterRefusesCrossSlot shows that the cluster tests can fail: the
// same place.lua the store runs is refused when one of its keys lacks the
// community's hash tag, and a script may not touch another node's key it
// did not declare.
func TestClusterRefusesCrossSlot(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rdb := clusterClient(t)
	cs := communitiesOnNodes(t, rdb, 2)
	a, b := cs[0], cs[1]

	err := rdb.Eval(ctx, "return redis.call('GET', KEYS[1])", []string{tagged(a, "x"), tagged(b, "x")}).Err()
	if err == nil || !strings.HasPrefix(err.Error(), "CROSSSLOT") {
		t.Errorf("two communities' keys in one script: err = %v, want CROSSSLOT", err)
	}

	// The script as the store sends it: lines.lua, reply.lua, place.lua
	// and its main.
	var src []byte
	for _, f := range []string{"lines.lua", "reply.lua", "place.lua", "place_main.lua"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src = append(src, b...)
	}
	keys := []string{
		tagged(a, "req:r1"), tagged(a, "stock:left"), tagged(a, "lim:2026-11-24:3-2-501"), tagged(a, "seq"),
		tagged(a, "q:G1"), tagged(a, "orders"), tagged(a, "hh:3-2-501"), tagged(a, "day:2026-11-24"),
	}
	// The order's own key is known only inside the script (prefix..id):
	// undeclared, but in the same slot, which a cluster allows.
	args := []any{60, 60, tagged(a, "o:"), "", `{"id":"","grid":"G1"}`, "pending", 1, 1, 1, "MED", 1, "0", 0}
	untagged := slices.Clone(keys)
	untagged[5] = "bg:" + a + ":orders" // what keys.go would name it without the braces
	slotOf := func(k string) int64 {
		n, err := rdb.ClusterKeySlot(ctx, k).Result()
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if slotOf(untagged[5]) == slotOf(keys[0]) {
		t.Fatalf("untagged key %s happens to share the slot; pick another name", untagged[5])
	}
	err = rdb.Eval(ctx, string(src), untagged, args...).Err()
	if err == nil || !strings.HasPrefix(err.Error(), "CROSSSLOT") {
		t.Errorf("place.lua with an untagged key: err = %v, want CROSSSLOT", err)
	}
	if n, err := rdb.Exists(ctx, keys[0], keys[3], tagged(a, "o:1001")).Result(); err != nil || n != 0 {
		t.Errorf("refused script wrote %d keys (%v)", n, err)
	}
	// The same call with every key tagged goes through: the refusal was
	// the missing tag, not the call.
	res, err := rdb.Eval(ctx, string(src), keys, args...).StringSlice()
	if err != nil || len(res) != 2 || res[0] != "OK" {
		t.Errorf("place.lua with tagged keys: %v %v", res, err)
	} else if data, err := rdb.HGet(ctx, tagged(a, "o:"+res[1]), "data").Result(); err != nil || data != `{"id":"`+res[1]+`","grid":"G1"}` {
		t.Errorf("order %s as written: %q %v", res[1], data, err)
	}

	// A key the script did not declare is refused when another node
	// serves it, which is why every script names all its keys in KEYS.
	err = rdb.Eval(ctx, "return redis.call('SET', ARGV[1], '1')", []string{tagged(a, "x")}, tagged(b, "undeclared")).Err()
	if err == nil {
		t.Errorf("script wrote an undeclared key on another node")
	} else {
		t.Logf("undeclared key: %v", err)
	}
	if n, _ := rdb.Exists(ctx, tagged(b, "undeclared")).Result(); n != 0 {
		t.Errorf("undeclared key was written")
	}
}

// TestClusterRaceForLastUnits races 100 residents for 30 units in each of
// two communities on different nodes at once.
func TestClusterRaceForLastUnits(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	const stock, racers = 30, 100
	rdb := clusterClient(t)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for _, community := range communitiesOnNodes(t, rdb, 2) {
		cat := testCatalog(t, stock)
		s := redisstore.New(rdb, community, cat)
		if err := s.SetStock(ctx, map[string]int{"VEG": stock, "EGG": 1000}); err != nil {
			t.Fatal(err)
		}
		at := time.Now()
		var mu sync.Mutex
		sold, refused := 0, 0
		var racing sync.WaitGroup
		for i := range racers {
			o := order(t, cat, fmt.Sprintf("%d", 101+i), at, veg(1)) // one household each
			racing.Add(1)
			go func() {
				defer racing.Done()
				<-start
				_, _, err := s.PlaceOrder(ctx, o, fmt.Sprintf("race-%d", i), nil)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					sold++
				case errors.Is(err, orders.ErrSoldOut):
					refused++
				default:
					t.Errorf("%s racer %d: %v", community, i, err)
				}
			}()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			racing.Wait()
			if sold != stock || refused != racers-stock {
				t.Errorf("%s: sold %d refused %d, want %d and %d", community, sold, refused, stock, racers-stock)
			}
			if left, err := s.StockLeft(ctx); err != nil || left["VEG"] != 0 {
				t.Errorf("%s: left %v %v, want VEG 0", community, left, err)
			}
			if list, err := s.Orders(ctx, orders.Filter{}); err != nil || len(list) != stock {
				t.Errorf("%s: %d orders stored (%v), want %d", community, len(list), err, stock)
			}
		}()
	}
	close(start)
	wg.Wait()
}

// BenchmarkCommunities places orders in 30 communities at once, each order
// as a message makes it (Resolve, then PlaceOrder saving its answer: two
// round trips), on one redis-server and on the three-master cluster. The
// ratio of the two is how far spreading communities over masters carries
// on this machine (README: Performance).
func BenchmarkCommunities(b *testing.B) {
	for name, rdb := range map[string]redis.UniversalClient{"1-server": redistest.Client(b), "3-masters": clusterClient(b)} {
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			cat := testCatalog(b, 1<<30)
			var stores []*redisstore.Store
			for range 30 {
				s := redisstore.New(rdb, redistest.Community(b), cat)
				if err := s.SetStock(ctx, map[string]int{"VEG": 1 << 30, "EGG": 1 << 30}); err != nil {
					b.Fatal(err)
				}
				stores = append(stores, s)
			}
			at := time.Now()
			day := orders.Day(at, shanghai)
			var seq atomic.Int64
			b.SetParallelism(16)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					k := seq.Add(1)
					s := stores[k%int64(len(stores))]
					room := fmt.Sprintf("%d", 100+k%9000)
					key, owner := fmt.Sprintf("m:%d", k), "bench"
					if _, err := s.Resolve(ctx, key, owner, orders.Arrive{OpenID: "openid-" + room, At: at, Day: day, Grids: []string{"G1"}, How: orders.Wrote}); err != nil {
						b.Fatal(err)
					}
					o := order(b, cat, room, at, orders.ItemRequest{SKU: "EGG", Qty: 1})
					ack := &orders.Ack{Key: key, Owner: owner, Render: func(o orders.Order) string { return "下单成功 " + o.ID }}
					if _, _, err := s.PlaceOrder(ctx, o, key, ack); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

// TestClusterOrderMessageInOneStep runs the order message's one step
// (place_arrive.lua: claim, sender, callback signature and order) on the
// cluster: every key it touches is declared and in the community's slot.
func TestClusterOrderMessageInOneStep(t *testing.T) {
	rdb := clusterClient(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c := communitiesOnNodes(t, rdb, 1)[0]
	cat := testCatalog(t, 3)
	s := redisstore.New(rdb, c, cat)
	if err := s.SetStock(ctx, map[string]int{"VEG": 3, "EGG": 1000}); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, shanghai)
	day := orders.Day(at, shanghai)
	arrive := func(sig, sum, state string) *orders.Arrive {
		return &orders.Arrive{OpenID: "openid-501", At: at, Day: day, Grids: []string{"G1", "G2"}, How: orders.Wrote,
			Signed: &orders.Signed{Signature: sig, Sum: sum, TTL: time.Minute}, State: state, PerMinute: 30}
	}
	a, err := s.Resolve(ctx, "m:1", "o1", *arrive("sig-1", "sum-1", ""))
	if err != nil || a.State != orders.ClaimNew {
		t.Fatalf("resolve: %+v %v", a, err)
	}
	if err := s.SaveReply(ctx, "m:1", "o1", "帮助"); err != nil {
		t.Fatal(err)
	}
	place := func(key, owner, sig, sum string) (*orders.Ack, error) {
		ack := &orders.Ack{Key: key, Owner: owner, Once: true, Arrive: arrive(sig, sum, a.Sender.State),
			Render: func(o orders.Order) string { return "下单成功 " + o.ID }}
		_, _, err := s.PlaceOrder(ctx, order(t, cat, "501", at, orders.ItemRequest{SKU: "EGG", Qty: 1}), "wx:"+key, ack)
		return ack, err
	}
	ack, err := place("m:2", "o2", "sig-2", "sum-2")
	if err != nil || !ack.Saved || ack.Reply != "下单成功 1001" {
		t.Fatalf("one step: %+v %v", ack, err)
	}
	// WeChat's retry: the answer saved, nothing placed.
	ack, err = place("m:2", "o3", "sig-2", "sum-2")
	if !errors.Is(err, orders.ErrStale) || ack.Arrive.Arrival.State != orders.ClaimDone || ack.Arrive.Arrival.Reply != "下单成功 1001" {
		t.Errorf("retry: %+v %v", ack.Arrive.Arrival, err)
	}
	// Another body under a seen signature: refused.
	ack, err = place("m:3", "o4", "sig-2", "sum-other")
	if !errors.Is(err, orders.ErrStale) || ack.Arrive.Arrival.State != orders.ClaimForged {
		t.Errorf("forged: %+v %v", ack.Arrive.Arrival, err)
	}
	keysLandOnOneNode(t, rdb, c)
}
