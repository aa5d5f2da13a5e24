package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/baogong/baogong/internal/redistest"
)

// TestCommunitiesOnCluster runs two communities of one official account
// side by side through the real binary's /wechat, on a real six-node
// Redis Cluster with their keys on two different masters: residents
// choose their community when they bind, every order, lead and job stays
// in its community, the admin API names the community, and a master
// failover in one community stops neither the other nor loses an order
// either acknowledged.
func TestCommunitiesOnCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("a cluster and a failover take about 20 s")
	}
	cl := redistest.OwnCluster(t, redistest.ClusterConfig{Masters: 3, Replicas: 1, NodeTimeout: 2 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// Two communities whose hash tags land on two different masters.
	var ids, masters []string
	for i := 0; len(ids) < 2 && i < 200; i++ {
		id := fmt.Sprintf("e2e%d-%d", time.Now().UnixNano()%1e9, i)
		m, err := cl.MasterFor(ctx, "bg:{"+id+"}:orders")
		if err != nil {
			t.Fatal(err)
		}
		if len(masters) == 0 || masters[0] != m {
			ids, masters = append(ids, id), append(masters, m)
		}
	}
	a, b := ids[0], ids[1]
	s := startServiceWith(t, fmt.Sprintf("{addrs: [%s], min_replicas_ack: 1}", strings.Join(cl.Addrs, ", ")), fmt.Sprintf(`  - id: %s
    name: 阳光小区
    aliases: [阳光]
    grids: [{id: G1, buildings: ["3", "5"]}]
    leads: [{openid: lead-a, buildings: ["3"]}]
  - id: %s
    name: 幸福里
    grids: [{id: G1, buildings: ["3", "9"]}]
    leads: [{openid: lead-b, buildings: ["3"]}]
    schedules: {cutoff: "0 21 * * *"}
`, a, b))
	s.env = append(s.env, "BAOGONG_LIMITS_MESSAGES_PER_MINUTE=100000")
	s.serve()
	say := func(user, text string) string { t.Helper(); return s.say(true, user, text) }
	must := func(what, got, prefix string) {
		t.Helper()
		if !strings.HasPrefix(got, prefix) {
			t.Errorf("%s: %q, want %q…", what, got, prefix)
		}
	}

	must("帮助 before binding", say("wa", "帮助"), "怎么用：\n1. 绑定地址：绑定 阳光小区")
	must("an address in one community", say("wb", "绑定 9栋1单元101"), "已绑定：幸福里 9栋1单元101")
	must("an address in both", say("wa", "绑定 3栋2单元501"), "3栋2单元501在好几个小区都有")
	must("the choice", say("wa", "绑定 1"), "已绑定：阳光小区 3栋2单元501")
	must("by name", say("wb2", "绑定 幸福里 3栋2单元501"), "已绑定：幸福里 3栋2单元501")
	must("帮助 after", say("wb", "帮助"), "怎么用（幸福里）")
	idA := idOf(t, say("wa", "挂面1袋"))
	idB := idOf(t, say("wb2", "挂面2袋"))

	// /metrics counts each community's batch under its own label.
	if code, text := s.admin("GET", "/metrics"); code != 200 ||
		!strings.Contains(string(text), `baogong_orders{community="`+a+`",status="pending"} 1`) ||
		!strings.Contains(string(text), `baogong_orders{community="`+b+`",status="pending"} 1`) {
		t.Errorf("metrics of both communities: %d\n%s", code, text)
	}

	// The admin API names the community, and sees only its orders.
	if code, body := s.admin("GET", "/api/orders"); code != http.StatusBadRequest || !strings.Contains(string(body), a) {
		t.Errorf("orders without a community: %d %s", code, body)
	}
	c := &chaos{t: t, s: s, client: &http.Client{Timeout: wechatWait, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}}
	c.msgID.Store(s.msgID + 1_000_000)
	inA, inB := c.ordersIn(a), c.ordersIn(b)
	if _, ok := inA.byID[idA]; !ok || len(inA.byID) != 1 || len(inA.of["wb2"]) != 0 {
		t.Errorf("阳光小区's orders: %+v (want only %s)", inA.byID, idA)
	}
	if o, ok := inB.byID[idB]; !ok || len(inB.byID) != 1 || o.Items[0].Qty != 2 {
		t.Errorf("幸福里's orders: %+v (want only %s)", inB.byID, idB)
	}
	// Leads act within their community: 3-2-501 is a household of both.
	say("lead-a", "送达 3-2-501")
	if o := c.ordersIn(b).byID[idB]; o.Status != "pending" {
		t.Errorf("阳光小区's lead delivered 幸福里's order: %s", o.Status)
	}
	if o := c.ordersIn(a).byID[idA]; o.Status != "delivered" {
		t.Errorf("阳光小区's lead did not deliver their own: %s", o.Status)
	}
	// Jobs run per community, each slot published once per community.
	runJob := func(community string) bool {
		t.Helper()
		code, body := s.admin("POST", "/api/jobs/cutoff/run?slot=2026-11-24T20:00:00%2B08:00&community="+community)
		var res struct{ Published bool }
		if code != http.StatusOK || json.Unmarshal(body, &res) != nil {
			t.Fatalf("cutoff of %s: %d %s", community, code, body)
		}
		return res.Published
	}
	if !runJob(a) || runJob(a) || !runJob(b) {
		t.Errorf("a cutoff slot is not published once per community")
	}

	// Residents of both order while 阳光小区's master is killed.
	var rs []*resident
	community := map[string]string{}
	for i := range 16 {
		for _, x := range []struct{ id, name, building string }{{a, "阳光小区", "5"}, {b, "幸福里", "9"}} {
			r := &resident{openid: fmt.Sprintf("fo-%s-%d", x.id, i), safe: true}
			must("bind "+r.openid, say(r.openid, fmt.Sprintf("绑定 %s %s栋%d单元%d", x.name, x.building, 1+i%4, 201+i)), "已绑定")
			community[r.openid] = x.id
			rs = append(rs, r)
		}
	}
	tr := &traffic{c: c, residents: rs, stop: make(chan struct{})}
	tr.start(8)
	time.Sleep(2 * time.Second)
	killed := time.Now()
	if err := cl.Kill(masters[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := cl.WaitFailover("bg:{"+a+"}:orders", masters[0], 30*time.Second); err != nil {
		t.Fatal(err)
	}
	failedOver := time.Since(killed)
	if _, ok := tr.waitWrittenSentAfter(killed, failedOver+10*time.Second); !ok {
		t.Errorf("no order written within 10 s of the failover")
	}
	if err := cl.Restart(masters[0]); err != nil {
		t.Fatal(err)
	}
	if err := cl.WaitInSync(20 * time.Second); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second)
	tr.halt()

	time.Sleep(settle)
	orders := map[string]chaosOrders{a: c.ordersIn(a), b: c.ordersIn(b)}
	kinds := map[string]map[string]int{a: {}, b: {}}
	lost := 0
	for _, x := range tr.done {
		cm := community[x.r.openid]
		kinds[cm][kindName(&x.m)]++
		if id, ok := placedID(x.m.reply); ok {
			if o, ok := orders[cm].byID[id]; !ok || o.PlacedBy != x.r.openid {
				lost++
				t.Errorf("acknowledged order %s of %s is not in its community after the failover", id, x.r.openid)
			}
		}
	}
	t.Logf("killed 阳光小区's master; the replica took over after %v; replies: 阳光小区 %v, 幸福里 %v; %d acknowledged orders lost",
		failedOver.Round(time.Millisecond), kinds[a], kinds[b], lost)
	// 幸福里's master never failed: its residents were never told busy.
	if n := kinds[b]["placed"]; n == 0 || n != len(filter(tr.done, func(x sentOrder) bool { return community[x.r.openid] == b })) {
		t.Errorf("幸福里's orders during 阳光小区's failover: %v, want all placed", kinds[b])
	}
}

func filter[T any](xs []T, keep func(T) bool) []T {
	var out []T
	for _, x := range xs {
		if keep(x) {
			out = append(out, x)
		}
	}
	return out
}
