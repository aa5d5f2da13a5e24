package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/internal/redistest"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/orders/redisstore"
)

// TestTwoReplicasPublishEachSlotOnce starts two real binaries on one Redis
// with schedules whose times today have just passed, as if both had been
// down then: on start each catches up the missed cutoff, pick list and
// roster, and every volunteer, lead and supplier hears exactly once. Runs
// by hand afterwards (API and CLI) publish nothing again. The service's
// clock is pinned to 10:00 (the schedules at 09:57–09:59 are today's at
// any hour the test runs).
func TestTwoReplicasPublishEachSlotOnce(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, loc)
	spec := func(ago time.Duration) string {
		t := now.Add(-ago)
		return fmt.Sprintf("%d %d * * *", t.Minute(), t.Hour())
	}
	rs := redistest.Shared(t)
	a := startService(t, rs.Addr)
	a.pin(now)

	// The community and catalog of this test: G1 has two volunteers and
	// building 3's lead; both suppliers have a contact.
	community := fmt.Sprintf("jobs%d", time.Now().UnixNano())
	cat := contactsCatalog()
	dir := filepath.Dir(a.cfgPath)
	os.WriteFile(filepath.Join(dir, "catalog.yaml"), []byte(cat), 0o644)
	cfg, _ := os.ReadFile(a.cfgPath)
	cfgText := regexp.MustCompile(`id: e2e\d+`).ReplaceAllString(string(cfg), "id: "+community)
	cfgText = strings.Replace(cfgText, `{id: G1, buildings: ["3", "5"]}`, `{id: G1, buildings: ["3", "5"], volunteers: [vol-a, vol-b]}`, 1)
	cfgText += fmt.Sprintf("schedules:\n  cutoff: %q\n  picklist: %q\n  roster: [%q]\n", spec(3*time.Minute), spec(2*time.Minute), spec(time.Minute))
	// Nobody here wrote to the account: the rosters and pick lists reach
	// them as template messages with a link to their page.
	cfgText = strings.Replace(cfgText, "  api_base:", "  templates: {roster: tpl-roster, picklist: tpl-picklist}\n  api_base:", 1)
	a.api.AddTemplate("tpl-roster", "tpl-picklist")
	os.WriteFile(a.cfgPath, []byte(cfgText), 0o644)

	// Today's orders, placed straight into the store both replicas share.
	parsed, err := catalog.Parse([]byte(cat))
	if err != nil {
		t.Fatal(err)
	}
	store := redisstore.New(redistest.Client(t), community, parsed)
	store.SetStock(context.Background(), map[string]int{"VEG-A": 300, "EGG-30": 150, "MED-IBU": 50})
	for i, item := range []string{"VEG-A", "EGG-30", "MED-IBU", "VEG-A"} {
		b := []string{"3", "5", "3", "5"}[i]
		o, err := orders.NewOrder(parsed, orders.Address{Building: b, Unit: "1", Room: fmt.Sprintf("%d", 101+i)}, "G1",
			[]orders.ItemRequest{{SKU: item, Qty: 1}}, "someone", orders.ChannelWeChat, a.now(), loc)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := store.PlaceOrder(context.Background(), o, fmt.Sprintf("jobs-e2e-%d", i), nil); err != nil {
			t.Fatal(err)
		}
	}

	// Two replicas: same config and Redis, their own HTTP address.
	b := *a
	b.logs = &lockedBuffer{}
	b.env = append(append([]string(nil), a.env...), "BAOGONG_HTTP_ADDR="+freeAddr(t))
	b.base = "http://" + strings.TrimPrefix(b.env[len(b.env)-1], "BAOGONG_HTTP_ADDR=")
	b.t = t
	a.serve()
	b.serve()

	// Both outboxes drain the same Redis; wait until the notices are in.
	want := map[string]int{"vol-a": 1, "vol-b": 1, "e2e-lead-3": 1, "sm-boss": 1, "ph-boss": 1}
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) && len(a.api.Sent()) < 5 {
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(1500 * time.Millisecond) // a duplicate would arrive by now
	got := map[string]int{}
	for _, m := range a.api.Sent() {
		got[m.ToUser]++
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("messages per user: %v, want %v", got, want)
	}
	for _, v := range []string{"vol-a", "vol-b"} {
		if m := a.api.SentTo(v)[0]; m.Kind != "template" || m.TemplateID != "tpl-roster" || !strings.Contains(m.Text, "thing1: 配送任务2户") || !strings.Contains(m.URL, "/r/G1/") {
			t.Errorf("%s roster: %+v", v, m)
		}
	}
	sm := a.api.SentTo("sm-boss")[0]
	if sm.TemplateID != "tpl-picklist" || !strings.Contains(sm.Text, "thing1: 备货单 2026-11-30") {
		t.Errorf("supermarket's pick list: %+v", sm)
	}
	if ph := a.api.SentTo("ph-boss")[0]; ph.TemplateID != "tpl-picklist" || !strings.Contains(ph.URL, "/p/ph-renmin/") {
		t.Errorf("pharmacy's pick list: %+v", ph)
	}

	// The signed link in the template opens the pick list; its CSV and
	// XLSX links (signed too: the format is part of what is signed)
	// download; a tampered link does not open.
	link := sm.URL
	resp, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Contains(body, []byte("新义保供超市")) || !bytes.Contains(body, []byte("蔬菜包")) || bytes.Contains(body, []byte("布洛芬")) {
		t.Errorf("pick list page: %d\n%s", resp.StatusCode, body)
	}
	downloads := regexp.MustCompile(`href="([^"]*format=(?:csv|xlsx)[^"]*)"`).FindAllSubmatch(body, -1)
	if len(downloads) != 2 {
		t.Errorf("%d download links on the page, want 2", len(downloads))
	}
	for _, dl := range downloads {
		u := strings.ReplaceAll(string(dl[1]), "&amp;", "&")
		r, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(r.Body)
		r.Body.Close()
		if r.StatusCode != 200 || len(data) == 0 {
			t.Errorf("download %s: %d", u, r.StatusCode)
		}
	}
	if resp, err := http.Get(strings.Replace(link, "sig=", "sig=0", 1)); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("tampered link: %v %v", resp.StatusCode, err)
	}

	// Running the 09:59 roster again by hand, on the other replica and
	// from the CLI, publishes nothing new.
	slot := now.Add(-time.Minute).Format(time.RFC3339)
	code, body := b.admin("POST", "/api/jobs/roster/run?slot="+strings.ReplaceAll(slot, "+", "%2B"))
	var res struct {
		Published bool
		Slot      time.Time
	}
	json.Unmarshal(body, &res)
	if code != 200 || res.Published || !res.Slot.Equal(now.Add(-time.Minute)) {
		t.Errorf("API re-run: %d published=%v slot %v (the test clock's 09:59)", code, res.Published, res.Slot)
	}
	cli := exec.Command(a.bin, "run-job", "roster", "--config", a.cfgPath, "--slot", slot)
	cli.Env = a.environ()
	out, err := cli.Output()
	if err != nil || !bytes.Contains(out, []byte(`"published": false`)) {
		t.Errorf("CLI re-run: %v\n%s", err, out)
	}
	// A round run now, without a slot, is a new round: it carries the
	// stops over, and nobody hears again (nothing new for anyone).
	cli = exec.Command(a.bin, "run-job", "roster", "--config", a.cfgPath)
	cli.Env = a.environ()
	if out, err := cli.Output(); err != nil || !bytes.Contains(out, []byte(`"published": true`)) || bytes.Contains(out, []byte(`"told": true`)) {
		t.Errorf("CLI round now: %v\n%s", err, out)
	}
	time.Sleep(500 * time.Millisecond)
	if n := len(a.api.Sent()); n != 5 {
		t.Errorf("%d messages after re-runs, want still 5", n)
	}
}

// contactsCatalog is the demo catalog with a contact for each supplier:
// sm-boss for the supermarket, ph-boss for the pharmacy.
func contactsCatalog() string {
	return strings.NewReplacer(
		"{id: sm-xinyi, name: 新义保供超市, kind: supermarket}", "{id: sm-xinyi, name: 新义保供超市, kind: supermarket, contact_openid: sm-boss}",
		"{id: ph-renmin, name: 人民大药房, kind: pharmacy}", "{id: ph-renmin, name: 人民大药房, kind: pharmacy, contact_openid: ph-boss}",
	).Replace(string(demoCatalog))
}
