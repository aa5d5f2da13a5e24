package reports

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/baogong/baogong/orders"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the renderers (then check them by hand)")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./reports/ -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run go test ./reports/ -update and review the diff.\ngot:\n%s", path, got)
	}
}

// noExternal checks the page loads nothing from elsewhere and runs no script.
func noExternal(t *testing.T, page string) {
	t.Helper()
	for _, bad := range []string{"<script", "<link", "<img", "<iframe", "<object", "@import", "url("} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
}

func TestPicklistHTML(t *testing.T) {
	links := map[string]string{
		"xlsx": "https://bg.example.com/r/picklist.xlsx?exp=1&sig=ab",
		"csv":  "https://bg.example.com/r/picklist.csv?exp=1&sig=ab",
	}
	var b bytes.Buffer
	if err := PicklistHTML(&b, testPickList(), "惠民超市", links); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	golden(t, "picklist.html.golden", b.Bytes())
	noExternal(t, page)
	for _, want := range []string{
		"<title>备货单 2022-04-10 惠民超市</title>",
		"<h1>备货单 2022-04-10 惠民超市</h1>",
		// Totals table.
		`<tr><td>大米</td><td class="num">3</td><td class="unit">袋</td></tr>`,
		`<tr><td>鸡蛋</td><td class="num">5</td><td class="unit">盒</td></tr>`,
		// Every grid, building and unit.
		"<h2>1网格</h2>", "<h2>2网格</h2>",
		"3栋", "12栋", "5栋",
		"<b>3栋1单元</b>　2单", "<b>3栋2单元</b>　1单", "<b>12栋（无单元）</b>　1单", "<b>5栋1单元</b>　1单",
		"本网格合计：</b>大米 2袋、鸡蛋 5盒",
		// Links, hidden in print, csv first; & escaped in the attribute.
		`<p class="links noprint"><a href="https://bg.example.com/r/picklist.csv?exp=1&amp;sig=ab" download>下载 CSV</a><a href="https://bg.example.com/r/picklist.xlsx?exp=1&amp;sig=ab" download>下载 Excel</a></p>`,
		// Printable.
		"@page { size: A4;", "@media print", ".noprint { display: none !important; }", "break-before: page",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if n := strings.Count(page, `<section class="page">`); n != 2 {
		t.Errorf("%d grid pages, want 2", n)
	}
}

func TestPicklistHTMLEscapes(t *testing.T) {
	evil := `<script>alert("x")</script>`
	p := testPickList()
	p.Totals[0].Name = `<img src=x onerror=alert(1)>`
	p.Grids[0].Buildings[0].Units[0].Unit = `"><script>`
	links := map[string]string{"csv": `javascript:alert(1)`, "xlsx": `"><script>alert(1)</script>`}
	var b bytes.Buffer
	if err := PicklistHTML(&b, p, evil, links); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	noExternal(t, page)
	if !strings.Contains(page, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") {
		t.Errorf("supplier name not escaped:\n%s", page)
	}
	if !strings.Contains(page, "&lt;img src=x onerror=alert(1)&gt;") {
		t.Errorf("item name not escaped")
	}
	if strings.Contains(page, "javascript:") {
		t.Errorf("javascript: URL kept")
	}
}

func TestPicklistHTMLEmpty(t *testing.T) {
	var b bytes.Buffer
	if err := PicklistHTML(&b, orders.PickList{Supplier: "pharmacy-1", Day: "2022-04-11"}, "", nil); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{"<title>备货单 2022-04-11 pharmacy-1</title>", "今天没有要备的货"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	for _, bad := range []string{"<table", "class=\"links", "合计"} {
		if strings.Contains(page, bad) {
			t.Errorf("empty page has %q", bad)
		}
	}
}

func TestRosterHTML(t *testing.T) {
	t.Run("volunteer", func(t *testing.T) {
		var b bytes.Buffer
		if err := RosterHTML(&b, testRoster(), "alice", shanghai); err != nil {
			t.Fatal(err)
		}
		page := b.String()
		golden(t, "roster_alice.html.golden", b.Bytes())
		noExternal(t, page)
		for _, want := range []string{
			"<title>配送单 2022-04-10 09:00 1网格 志愿者林师傅</title>",
			"配送时间：2022-04-10 周日 09:00",
			"共2户",
			"取货合计：</b>大米 3袋、鸡蛋 2盒、食用油 1桶",
			`<th class="tick">送达</th>`, "<th>电话</th>",
			`<td class="seq">1</td><td class="addr">3栋2单元501</td><td>大米 1袋<br>鸡蛋 2盒</td><td class="phone"></td><td class="tick"><span class="box"></span></td>`,
			// The volunteer's own roster: the whole number, to ring the elder.
			`<td class="seq">2</td><td class="addr">3栋2单元602</td><td>大米 2袋<br>食用油 1桶</td><td class="phone">13812345678</td>`,
		} {
			if !strings.Contains(page, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		for _, bad := range []string{"138****5678", "12栋101", "王姐", "alice", "<section class=\"page\">"} {
			if strings.Contains(page, bad) {
				t.Errorf("page has %q", bad)
			}
		}
	})
	t.Run("no contact, no phone column", func(t *testing.T) {
		var b bytes.Buffer
		if err := RosterHTML(&b, testRoster(), "bob", shanghai); err != nil {
			t.Fatal(err)
		}
		page := b.String()
		if strings.Contains(page, "电话") {
			t.Errorf("phone column without a phone")
		}
		if !strings.Contains(page, `<td class="addr">12栋101</td>`) {
			t.Errorf("page lacks bob's stop")
		}
	})
	t.Run("a name with 志愿者 in it", func(t *testing.T) {
		r := testRoster()
		r.Shares[1].Name = "志愿者小林"
		var b bytes.Buffer
		if err := RosterHTML(&b, r, "bob", shanghai); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), "<title>配送单 2022-04-10 09:00 1网格 志愿者小林</title>") {
			t.Errorf("title: %s", b.String()[:300])
		}
	})
	t.Run("whole grid", func(t *testing.T) {
		var b bytes.Buffer
		if err := RosterHTML(&b, testRoster(), "", shanghai); err != nil {
			t.Fatal(err)
		}
		page := b.String()
		golden(t, "roster_grid.html.golden", b.Bytes())
		noExternal(t, page)
		for _, want := range []string{
			"<title>配送单 2022-04-10 09:00 1网格</title>",
			"3栋2单元501", "3栋2单元602", "12栋101", "138****5678",
			"志愿者：林师傅", "志愿者：王姐", "志愿者：（未登记姓名）", "138****5678", "这一轮没有要送的订单",
		} {
			if !strings.Contains(page, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		if n := strings.Count(page, `<section class="page">`); n != 2 {
			t.Errorf("%d page breaks, want 2 (3 shares)", n)
		}
	})
	t.Run("unknown volunteer", func(t *testing.T) {
		var b bytes.Buffer
		if err := RosterHTML(&b, testRoster(), "dave", shanghai); !errors.Is(err, ErrNoShare) {
			t.Errorf("err = %v, want ErrNoShare", err)
		}
		if b.Len() != 0 {
			t.Errorf("wrote %d bytes on error", b.Len())
		}
	})
	t.Run("nil location keeps the slot's own", func(t *testing.T) {
		r := testRoster()
		r.Slot = r.Slot.In(shanghai)
		var b bytes.Buffer
		if err := RosterHTML(&b, r, "alice", nil); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), "2022-04-10 周日 09:00") {
			t.Errorf("slot not in its own location")
		}
	})
	t.Run("escapes", func(t *testing.T) {
		r := testRoster()
		r.Grid = "<b>1</b>"
		r.Shares[0].Name = "<script>alert(1)</script>"
		r.Shares[0].Stops[0].Lines[0].Name = "<i>米</i>"
		var b bytes.Buffer
		if err := RosterHTML(&b, r, "", time.UTC); err != nil {
			t.Fatal(err)
		}
		page := b.String()
		noExternal(t, page)
		for _, want := range []string{"&lt;b&gt;1&lt;/b&gt;网格", "&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;i&gt;米&lt;/i&gt;"} {
			if !strings.Contains(page, want) {
				t.Errorf("page lacks %q", want)
			}
		}
	})
}
