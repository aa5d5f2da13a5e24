package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/baogong/baogong/internal/redistest"
)

// shortages is GET /api/shortages?date= as the office reads it.
type shortages struct {
	Date  string
	Items []struct {
		SKU       string
		Name      string
		Ordered   int
		Refused   int
		Waiting   int
		StockLeft *int `json:"stock_left"`
	}
}

func (s *service) shortages(date string) map[string][4]int {
	s.t.Helper()
	path := "/api/shortages"
	if date != "" {
		path += "?date=" + date
	}
	code, body := s.admin("GET", path)
	var out shortages
	if err := json.Unmarshal(body, &out); err != nil || code != 200 {
		s.t.Fatalf("shortages: %d %s", code, body)
	}
	m := map[string][4]int{}
	for _, it := range out.Items {
		left := -1
		if it.StockLeft != nil {
			left = *it.StockLeft
		}
		m[it.SKU] = [4]int{it.Ordered, it.Refused, it.Waiting, left}
	}
	return m
}

// adminBody makes one admin API request with a JSON body.
func (s *service) adminBody(method, path, body string) (int, []byte) {
	s.t.Helper()
	req, _ := http.NewRequest(method, s.base+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+e2eAdmin)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, raw
}

// setEggStock rewrites the service's catalog with n eggs in stock.
func (s *service) setEggStock(n string) {
	s.t.Helper()
	path := filepath.Join(filepath.Dir(s.cfgPath), "catalog.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		s.t.Fatal(err)
	}
	i := strings.Index(string(data), "{sku: EGG-30")
	j := i + strings.Index(string(data[i:]), "stock: ")
	k := j + strings.Index(string(data[j:]), ",")
	os.WriteFile(path, []byte(string(data[:j])+"stock: "+n+string(data[k:])), 0o644)
}

// TestSoldOutIsNotTheEnd: sold out, the resident answers 到货通知 and is
// put on the waiting list; the office reads the day's shortages, adds
// stock over the API without a restart, and the first waiting resident is
// told how to order; the addition survives a restart, and a catalog
// raised later adds on top and reaches the next in line.
func TestSoldOutIsNotTheEnd(t *testing.T) {
	s := startService(t, redistest.Shared(t).Addr)
	s.setEggStock("2")
	s.serve()
	for user, addr := range map[string]string{"wa": "3-1-101", "wb": "3-1-102", "wc": "5-1-101"} {
		if got := s.say(true, user, "绑定 "+addr); !strings.HasPrefix(got, "已绑定") {
			t.Fatalf("bind %s: %q", user, got)
		}
	}
	must(t, "first order", s.say(true, "wa", "鸡蛋2盒"), "下单成功")
	must(t, "sold out", s.say(true, "wb", "鸡蛋1盒"), "鸡蛋已经卖完了", "请回复：到货通知")
	must(t, "到货通知", s.say(true, "wb", "到货通知"), "鸡蛋到货后马上通知您（您排在第1位）")
	must(t, "到货通知 again", s.say(true, "wb", "到货通知"), "您已经在等鸡蛋到货了（排在第1位）")
	must(t, "sold out, asked twice", s.say(true, "wc", "鸡蛋2盒"), "鸡蛋已经卖完了")
	s.say(true, "wc", "鸡蛋1盒") // counted once, for the most asked
	must(t, "到货通知 naming it", s.say(true, "wc", "到货通知 鸡蛋"), "您排在第2位")
	must(t, "sold out to the first buyer too", s.say(true, "wa", "鸡蛋1盒"), "已经卖完了")
	must(t, "到货通知 for what is there", s.say(true, "wa", "到货通知 蔬菜包"), "蔬菜包现在还有300份，不用等")

	if got := s.shortages(""); got["EGG-30"] != [4]int{2, 4, 2, 0} || got["NOODLE"] != [4]int{0, 0, 0, -1} {
		t.Errorf("shortages (ordered, refused, waiting, left): eggs %v, noodles %v; want [2 4 2 0] and [0 0 0 -1]", got["EGG-30"], got["NOODLE"])
	}

	req := func(method, path, body string) (int, map[string]any) {
		t.Helper()
		code, raw := s.adminBody(method, path, body)
		var out map[string]any
		json.Unmarshal(raw, &out)
		return code, out
	}
	code, out := req("POST", "/api/stock/EGG-30", `{"add": 1}`)
	if code != 200 || out["stock_left"] != 1.0 || out["waiting"] != 1.0 || len(out["told"].([]any)) != 1 || out["told"].([]any)[0] != "wb" {
		t.Fatalf("add stock: %d %v", code, out)
	}
	s.waitSent("wb", "【到货通知】鸡蛋到货了。\n要买请直接回复：鸡蛋1盒\n每户每天限2盒，")
	for _, c := range []struct {
		path, body string
		want       int
	}{
		{"/api/stock/NOODLE", `{"add": 5}`, 409},   // no stock to add to
		{"/api/stock/NOPE", `{"add": 5}`, 404},     // no such item
		{"/api/stock/EGG-30", `{"add": 0}`, 400},   // nothing
		{"/api/stock/EGG-30", `{"add": 1.5}`, 400}, // not whole
		{"/api/stock/EGG-30", `{"add": -9}`, 409},  // below nothing
	} {
		if code, out := req("POST", c.path, c.body); code != c.want {
			t.Errorf("POST %s %s: %d %v, want %d", c.path, c.body, code, out, c.want)
		}
	}

	// A restart with the same catalog keeps the egg added.
	s.stop()
	s.serve()
	if got := s.shortages("")["EGG-30"]; got[3] != 1 || got[2] != 1 {
		t.Errorf("after a restart: eggs %v, want 1 left, 1 waiting", got)
	}
	// The catalog raised by 2: what is left rises by 2 on top of the
	// egg added; the restock job tells the next in line.
	s.stop()
	s.setEggStock("4")
	s.serve()
	if got := s.shortages("")["EGG-30"]; got[3] != 3 {
		t.Errorf("after raising the catalog's stock: eggs %v, want 3 left", got)
	}
	code, out = req("POST", "/api/jobs/restock/run", "")
	if code != 200 {
		t.Fatalf("restock: %d %v", code, out)
	}
	s.waitSent("wc", "【到货通知】鸡蛋到货了")
	if got := s.shortages("")["EGG-30"]; got[2] != 0 {
		t.Errorf("after the restock job: eggs %v, want nobody waiting", got)
	}
	must(t, "order after the notice", s.say(true, "wb", "鸡蛋1盒"), "下单成功")
}

// TestBuildingsWithTheirShape: a building given its units and floors in
// the config refuses an address outside it, with the reason, when a
// resident binds it and when a lead's 接龙 names it.
func TestBuildingsWithTheirShape(t *testing.T) {
	s := startService(t, redistest.Shared(t).Addr)
	cfg, _ := os.ReadFile(s.cfgPath)
	shaped := strings.Replace(string(cfg), `{id: G1, buildings: ["3", "5"]}`, `{id: G1, buildings: [{id: "3", units: 4, floors: 25}, "5"]}`, 1)
	os.WriteFile(s.cfgPath, []byte(shaped), 0o644)
	s.serve()
	must(t, "a unit the building lacks", s.say(true, "sa", "绑定 3栋9单元101"), "没有这个门牌：3栋只有4个单元，没有9单元。")
	must(t, "a floor the building lacks", s.say(true, "sa", "绑定 3-2-4001"), "没有这个门牌：3栋只有25层，没有40楼。")
	must(t, "no unit", s.say(true, "sa", "绑定 3栋501"), "3栋有4个单元，要写上是几单元")
	must(t, "inside", s.say(true, "sa", "绑定 3栋4单元2501"), "已绑定：3栋4单元2501")
	must(t, "a building without a shape", s.say(true, "sb", "绑定 5栋9单元4001"), "已绑定")
	got := s.say(true, "e2e-lead-3", "#接龙 3栋\n1. 3-9-101 鸡蛋1盒\n2. 3-2-4001 鸡蛋1盒\n3. 3-2-502 鸡蛋1盒")
	must(t, "接龙", got, "新下单1户", "3栋只有4个单元，没有9单元", "3栋只有25层，没有40楼")
}

// TestCutoffNowAndRounds runs the real binary at 15:00: 截单 without a
// slot closes today now (not yesterday again), a later order counts for
// tomorrow, the pick list leaves out an order the lead delivered before
// it, a round run now delivers what was closed, and a second round with
// nothing new tells nobody again.
func TestCutoffNowAndRounds(t *testing.T) {
	s := clockedService(t, shAt(t, "2026-11-30 15:00:00"))
	for user, addr := range map[string]string{"ra": "3-1-101", "rb": "3-1-102"} {
		if got := s.say(true, user, "绑定 "+addr); !strings.HasPrefix(got, "已绑定") {
			t.Fatalf("bind %s: %q", user, got)
		}
	}
	must(t, "order", s.say(true, "ra", "蔬菜包1份"), "（20:00后下单算明天）")
	s.say(true, "rb", "鸡蛋1盒")
	must(t, "送达 before the pick list", s.say(true, "e2e-lead-3", "送达 3-1-102"), "已确认送达")

	if published, day := s.runJob("cutoff", ""); !published || day != "2026-11-30" {
		t.Fatalf("截单 at 15:00: published %v, day %s; want today closed", published, day)
	}
	must(t, "an order after 截单", s.say(true, "ra", "牛奶1箱"), "（今天已截单，算明天的）")
	if published, day := s.runJob("picklist", ""); !published || day != "2026-11-30" {
		t.Errorf("pick list now: published %v, day %s", published, day)
	}
	pl := s.waitSent("sm-boss", "【备货单】2026-11-30")
	if !strings.Contains(pl, "合计：蔬菜包1份\n") {
		t.Errorf("the pick list counts what was delivered before it, or the next day's: %s", pl)
	}

	code, body := s.admin("POST", "/api/jobs/roster/run")
	var res struct {
		Run   string
		Grids []struct {
			Stops  int
			Shares []struct{ Told bool }
		}
	}
	if err := json.Unmarshal(body, &res); err != nil || code != 200 || res.Run == "" || res.Grids[0].Stops != 1 || !res.Grids[0].Shares[0].Told {
		t.Fatalf("roster now: %d %s", code, body)
	}
	roster := s.waitSent("vol-a", "【配送任务】")
	if !strings.Contains(roster, "您负责1户") || !strings.Contains(roster, "3栋1单元101 蔬菜包1份") {
		t.Errorf("the round now: %s", roster)
	}
	time.Sleep(1100 * time.Millisecond) // a round of its own
	code, body = s.admin("POST", "/api/jobs/roster/run")
	if err := json.Unmarshal(body, &res); err != nil || code != 200 || res.Grids[0].Stops != 1 || res.Grids[0].Shares[0].Told {
		t.Errorf("a second round with nothing new: %d %s", code, body)
	}
	time.Sleep(300 * time.Millisecond)
	if n := len(s.api.SentTo("vol-a")); n != 1 {
		t.Errorf("vol-a heard %d times, want once", n)
	}
	if code, body := s.admin("GET", "/api/jobs/runs/"+res.Run); code != 200 || !strings.Contains(string(body), `"status":"done"`) {
		t.Errorf("the run by its id: %d %s", code, body)
	}
}
