package loadgen

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/officialaccount"
	oaconfig "github.com/silenceper/wechat/v2/officialaccount/config"
	"github.com/silenceper/wechat/v2/officialaccount/message"

	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/internal/wxsign"
	"github.com/baogong/baogong/orders"
)

var testAccount = wxsign.Account{Token: "load-token", AppID: "wxload000000000001", EncodingAESKey: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"}

// Generated households are distinct and read back by the service's own
// address parser, both as residents bind them and as leads list them.
func TestHouseholds(t *testing.T) {
	buildings := []string{"3", "5", "12"}
	seen := map[string]bool{}
	for i := range 5000 {
		h := householdAt(buildings, i)
		if seen[h.key()] {
			t.Fatalf("household %d (%s) repeats", i, h.key())
		}
		seen[h.key()] = true
		a, err := orders.ParseAddress(address(h), func(string) bool { return true })
		if err != nil || a.Household() != h.key() {
			t.Fatalf("household %d: %q reads as %+v, %v; want %s", i, address(h), a, err, h.key())
		}
	}
}

func golden(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "bot", "testdata", "replies", name+".golden"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The tool recognises the bot's real answers (its golden files).
func TestClassify(t *testing.T) {
	for _, c := range []struct {
		golden, kind, id string
	}{
		{"placed", KindConfirmed, "1001"},
		{"rx_placed", KindConfirmed, "1001"},
		{"urgent_placed", KindConfirmed, "1005"},
		{"busy", "busy", ""},
		{"maybe", "maybe", ""},
		{"bind_first", "bind_first", ""},
		{"sold_out", "sold_out", ""},
		{"sold_out_some_left", "sold_out", ""},
		{"over_limit", "over_limit", ""},
		{"over_limit_none_left", "over_limit", ""},
		{"unknown_items", "unknown_item", ""},
		{"not_understood", "not_understood", ""},
		{"help", KindOther, ""},
	} {
		t.Run(c.golden, func(t *testing.T) {
			kind, id := classifyOrder(golden(t, c.golden))
			if kind != c.kind || id != c.id {
				t.Errorf("classifyOrder = %s %q, want %s %q", kind, id, c.kind, c.id)
			}
		})
	}
	if k := classifyBind(golden(t, "bound")); k != KindBound {
		t.Errorf("bound: %s", k)
	}
	if k := classifyBind(golden(t, "busy")); k != "busy" {
		t.Errorf("bind busy: %s", k)
	}
	if total, placed, refused, cut := jielongCounts(golden(t, "lead_pasted")); total != 2 || placed != 1 || refused != 4 || cut {
		t.Errorf("lead_pasted: 共%d户 新下单%d户, %d refused, cut %v; want 2, 1, 4, false", total, placed, refused, cut)
	}
}

func TestOrderText(t *testing.T) {
	cat, err := catalog.Load(filepath.Join("..", "..", "cmd", "baogong", "demodata", "catalog.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := OrderText(cat); got != "挂面1袋" || !ok {
		t.Errorf("OrderText = %q %v", got, ok)
	}
}

func TestCheckLoopback(t *testing.T) {
	for _, c := range []struct {
		url string
		ok  bool
	}{
		{"http://127.0.0.1:8080/wechat", true},
		{"http://127.0.0.2:8080/wechat", true},
		{"http://[::1]:8080/wechat", true},
		{"http://localhost:8080/wechat", true},
		{"http://10.0.0.1:8080/wechat", false},
		{"http://example.com/wechat", false},
		{"https://127.0.0.1/wechat", false},
		{"http://127.0.0.1:8080/wechat?x=1", false},
	} {
		if err := CheckLoopback(c.url); (err == nil) != c.ok {
			t.Errorf("CheckLoopback(%s) = %v", c.url, err)
		}
	}
}

// Every bounded round gets its part of the count, and a round that
// would get nothing does not run (a count of 0 is no bound at all).
func TestShare(t *testing.T) {
	for _, c := range []struct {
		n, rounds int
		want      []int
	}{
		{0, 2, []int{0, 0}},
		{1, 2, []int{1}},
		{5, 2, []int{3, 2}},
		{3, 4, []int{1, 1, 1}},
	} {
		var got []int
		for k := range c.rounds {
			n, ok := share(c.n, c.rounds, k)
			if !ok {
				break
			}
			got = append(got, n)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("share(%d over %d) = %v, want %v", c.n, c.rounds, got, c.want)
		}
	}
}

func TestPercentile(t *testing.T) {
	var lat []time.Duration
	for i := 1; i <= 100; i++ {
		lat = append(lat, time.Duration(i)*time.Millisecond)
	}
	if p := percentile(lat, 0.5); p != 50*time.Millisecond {
		t.Errorf("p50 = %v", p)
	}
	if p := percentile(lat, 0.99); p != 99*time.Millisecond {
		t.Errorf("p99 = %v", p)
	}
	if p := percentile(lat[:1], 0.99); p != time.Millisecond {
		t.Errorf("p99 of one = %v", p)
	}
}

func echoClient(t testing.TB, acct wxsign.Account, mode Mode) *client {
	t.Helper()
	e, err := StartEcho(testAccount)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	u, err := parseTarget(e.URL)
	if err != nil {
		t.Fatal(err)
	}
	id := &atomic.Int64{}
	return &client{acct: acct, target: u, toUser: "gh_test", mode: mode, msgID: id, timeout: 5 * time.Second}
}

// The tool's messages pass the SDK's own checks in every mode, and its
// answers are opened; a wrong token is refused.
func TestEcho(t *testing.T) {
	for _, mode := range []Mode{Plain, Safe, Mixed} {
		t.Run(string(mode), func(t *testing.T) {
			ph := phase{client: echoClient(t, testAccount, mode), conns: 3, count: 40, judge: judgeEcho,
				message: func(i int) (string, string) { return "u1", "挂面1袋 <&]]> " + string(rune('a'+i%26)) }}
			s := ph.run(context.Background()).summary()
			if s.Messages != 40 || s.Kinds[KindEcho] != 40 || s.PerSecond <= 0 || s.MaxMs <= 0 {
				t.Errorf("%+v", s)
			}
		})
	}
	wrong := testAccount
	wrong.Token = "not-the-token"
	ph := phase{client: echoClient(t, wrong, Plain), conns: 1, count: 2, judge: judgeEcho,
		message: func(int) (string, string) { return "u1", "x" }}
	if s := ph.run(context.Background()).summary(); s.Errors["http_403"] != 2 {
		t.Errorf("wrong token: %+v", s)
	}
}

// verify finds every kind of disagreement between answers and orders.
func TestVerify(t *testing.T) {
	const prefix = "load-x-"
	listing := map[string][]orderJSON{
		"G1": {{ID: "1001", PlacedBy: prefix + "1"}, {ID: "1002", PlacedBy: prefix + "2"}, {ID: "1003", PlacedBy: prefix + "3"}, {ID: "1009", PlacedBy: "someone-else"}},
		"G2": {{ID: "1004", PlacedBy: prefix + "4"}, {ID: "1004", PlacedBy: prefix + "4"}, {ID: "1005", PlacedBy: prefix + "9"}, {ID: "1006", PlacedBy: prefix + "6"}},
	}
	admin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok" {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"orders": listing[r.URL.Query().Get("grid")]})
	}))
	defer admin.Close()
	confirmed := []placed{
		{id: "1001", openID: prefix + "1"}, {id: "1002", openID: prefix + "2"}, {id: "1002", openID: prefix + "2"}, // told twice
		{id: "1004", openID: prefix + "4"},   // listed twice
		{id: "1005", openID: prefix + "5"},   // placed by 9
		{id: "1007", openID: prefix + "7"},   // missing
		{id: "1009", openID: "someone-else"}, // not ours: never listed as ours
	}
	v, err := verify(context.Background(), admin.Client(), admin.URL, "tok", "", []string{"G1", "G2"}, prefix, confirmed)
	if err != nil {
		t.Fatal(err)
	}
	want := &Verification{Confirmed: 7, Listed: 7, Missing: []string{"1007", "1009"}, Doubled: []string{"1002", "1004"},
		WrongOwner: []string{"1005"}, Unconfirmed: []string{"1003", "1006"}}
	if !equalVerification(v, want) {
		t.Errorf("got  %+v\nwant %+v", v, want)
	}
	if p := v.problems(2); len(p) != 3 || !strings.Contains(strings.Join(p, "\n"), "1007") {
		t.Errorf("problems with 2 unknown outcomes: %q", p)
	}
	if p := v.problems(0); len(p) != 4 {
		t.Errorf("problems: %q", p)
	}
	if _, err := verify(context.Background(), admin.Client(), admin.URL, "bad", "", nil, prefix, nil); err == nil {
		t.Error("a wrong token passed")
	}

	// A full listing (newest first) is complete for the run unless its
	// oldest order is the run's own: then confirmed orders older than
	// that are not checked, newer ones still are.
	// Which lies beyond goes by time, not id: 29990 took its id after
	// the oldest listed (20001) but its time before.
	t0 := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	for i := range adminListLimit {
		id := strconv.Itoa(30000 - i)
		listing["ours-last"] = append(listing["ours-last"], orderJSON{id, prefix + "1", at(30000 - i)})
		listing["older-last"] = append(listing["older-last"], orderJSON{id, "other", at(30000 - i)})
	}
	listing["older-last"][0].PlacedBy = prefix + "1"
	confirmed = []placed{{"30000", prefix + "1", at(29999)}, {"100", prefix + "1", at(100)}, {"30001", prefix + "1", at(30000)},
		{"29990x", prefix + "1", at(20000)}}
	v, err = verify(context.Background(), admin.Client(), admin.URL, "tok", "", []string{"ours-last"}, prefix, confirmed)
	if err != nil || !slices.Equal(v.Capped, []string{"ours-last"}) || v.Unchecked != 2 || !slices.Equal(v.Missing, []string{"30001"}) {
		t.Errorf("capped: %+v %v", v, err)
	}
	v, err = verify(context.Background(), admin.Client(), admin.URL, "tok", "", []string{"older-last"}, prefix, confirmed[:2])
	if err != nil || len(v.Capped) != 0 || v.Unchecked != 0 || !slices.Equal(v.Missing, []string{"100"}) {
		t.Errorf("full, not capped: %+v %v", v, err)
	}
}

func equalVerification(a, b *Verification) bool {
	return a.Confirmed == b.Confirmed && a.Listed == b.Listed && slices.Equal(a.Missing, b.Missing) &&
		slices.Equal(a.Doubled, b.Doubled) && slices.Equal(a.WrongOwner, b.WrongOwner) &&
		slices.Equal(a.Unconfirmed, b.Unconfirmed) && slices.Equal(a.Capped, b.Capped)
}

func TestReadProc(t *testing.T) {
	m, err := ReadMemory(os.Getpid())
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	if m.RSSkB <= 0 || m.PeakkB < m.RSSkB {
		t.Errorf("%+v", m)
	}
	// /proc counts in ticks, getrusage more finely: they agree to a tick.
	if d, err := ReadCPU(os.Getpid()); err != nil || d < 0 || selfCPU() < d-clockTick {
		t.Errorf("ReadCPU = %v, %v; getrusage %v", d, err, selfCPU())
	}
}

// BenchmarkEcho measures the tool and the bare SDK together, in one
// process: the ceiling of what the tool can show on this machine.
func BenchmarkEcho(b *testing.B) {
	for _, mode := range []Mode{Plain, Safe} {
		b.Run(string(mode), func(b *testing.B) {
			ph := phase{client: echoClient(b, testAccount, mode), conns: 50, count: b.N, judge: judgeEcho,
				message: func(int) (string, string) { return "u1", "挂面1袋" }}
			b.ResetTimer()
			b.ReportMetric(ph.run(context.Background()).summary().PerSecond, "msgs/s")
		})
	}
}

func TestResidentsIn(t *testing.T) {
	comms := []Community{{ID: "a", Buildings: []string{"3", "5"}}, {ID: "b", Buildings: []string{"9"}}}
	rs := residentsIn("p-", comms, 6, 2)
	seen := map[string]bool{}
	for i, r := range rs {
		if r.community != i%2 {
			t.Errorf("resident %d in community %d, want %d", i, r.community, i%2)
		}
		if !slices.Contains(comms[r.community].Buildings, r.home.building) {
			t.Errorf("resident %d lives in %s, not a building of %s", i, r.home.key(), comms[r.community].ID)
		}
		k := comms[r.community].ID + ":" + r.home.key()
		if seen[k] {
			t.Errorf("household %s twice", k)
		}
		seen[k] = true
		if r.home.unit != 3 {
			t.Errorf("resident %d in unit %d, want 3 (after the first unit)", i, r.home.unit)
		}
	}
}

// doorService answers "绑定 <door>" as the bot does: the first openid to
// name a door binds it, anyone else is told it is taken (approval asked).
func doorService(t *testing.T) *client {
	t.Helper()
	oa := officialaccount.NewOfficialAccount(&oaconfig.Config{AppID: testAccount.AppID, Token: testAccount.Token,
		EncodingAESKey: testAccount.EncodingAESKey, Cache: noCache{}})
	var mu sync.Mutex
	holder := map[string]string{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := oa.GetServer(r, w)
		s.SetMessageHandler(func(m *message.MixMessage) *message.Reply {
			door := strings.TrimPrefix(m.Content, "绑定 ")
			mu.Lock()
			defer mu.Unlock()
			text := "已绑定：" + door
			if h, ok := holder[door]; ok && h != string(m.FromUserName) {
				text = door + "已经有人绑定或下过单了。\n已请家人确认。"
			} else {
				holder[door] = string(m.FromUserName)
			}
			return &message.Reply{MsgType: message.MsgTypeText, MsgData: message.NewText(text)}
		})
		if err := s.Serve(); err != nil {
			http.Error(w, "bad request", http.StatusForbidden)
			return
		}
		s.Send()
	}))
	t.Cleanup(srv.Close)
	u, err := parseTarget(srv.URL + "/wechat")
	if err != nil {
		t.Fatal(err)
	}
	return &client{acct: testAccount, target: u, toUser: "gh_test", mode: Plain, msgID: &atomic.Int64{}, timeout: 5 * time.Second}
}

// A run whose doors an earlier run took (the same run unit) moves its
// residents to free doors and says how many moved; none is left unbound.
func TestBindMovesOffTakenDoors(t *testing.T) {
	svc := doorService(t)
	comms := []Community{{Buildings: []string{"3", "5"}}}
	o := &Options{Residents: 10, Conns: 3}
	first, moved, _ := o.bind(context.Background(), svc, "load-a-", comms)
	if moved != 0 {
		t.Errorf("first run moved %d", moved)
	}
	// Another run that starts at the same unit: every door taken.
	other := "load-b0-"
	for i := 1; runUnit(other) != runUnit("load-a-"); i++ {
		other = "load-b" + strconv.Itoa(i) + "-"
	}
	second, moved, setup := o.bind(context.Background(), svc, other, comms)
	if moved != 10 || setup.summary().Kinds[KindTaken] != 10 {
		t.Errorf("second run moved %d, setup %+v", moved, setup.summary())
	}
	doors := map[string]bool{}
	for _, r := range append(first, second...) {
		if !r.bound {
			t.Errorf("%s at %s not bound", r.openID, r.home.key())
		}
		if doors[r.home.key()] {
			t.Errorf("door %s twice", r.home.key())
		}
		doors[r.home.key()] = true
	}
	if indexOf(second[7].openID, other) != 7 {
		t.Errorf("moved openid %s does not read back as resident 7", second[7].openID)
	}
}
