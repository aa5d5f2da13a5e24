package main

import (
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/baogong/baogong/internal/redistest"
)

// TestBigBuildingSummary: a lead of a 150-household building asks 汇总.
// The reply (which must fit WeChat's 2048 bytes) gives the totals and a
// signed link; the page behind it lists every household; 汇总 2单元
// narrows to a unit; a tampered link is refused.
func TestBigBuildingSummary(t *testing.T) {
	s := startService(t, redistest.Shared(t).Addr)
	s.serve()
	var paste strings.Builder
	paste.WriteString("#接龙 3栋大楼\n")
	for i := range 150 {
		fmt.Fprintf(&paste, "%d. 3-%d-%d 挂面1袋\n", i+1, i%4+1, 101+i)
	}
	if got := s.say(true, "e2e-lead-3", paste.String()); !strings.Contains(got, "新下单150户") {
		t.Fatalf("paste: %s", got)
	}
	got := s.say(true, "e2e-lead-3", "汇总")
	if len(got) > 2048 || !strings.Contains(got, "150户") || !strings.Contains(got, "挂面150袋") {
		t.Fatalf("汇总 (%d bytes): %s", len(got), got)
	}
	link := regexp.MustCompile(`http://\S+`).FindString(got)
	if link == "" {
		t.Fatalf("汇总 has no link: %s", got)
	}
	body := get(t, link, http.StatusOK)
	for i := range 150 {
		if !strings.Contains(body, fmt.Sprintf(">%d<", 101+i)) {
			t.Fatalf("the page lacks room %d", 101+i)
		}
	}
	if !strings.Contains(body, "3栋2单元") || !strings.Contains(body, "待配送") {
		t.Errorf("page: %.500s", body)
	}
	get(t, strings.Replace(link, "/all", "/1", 1), http.StatusForbidden)

	unit := s.say(true, "e2e-lead-3", "汇总 2单元")
	if !strings.Contains(unit, "3栋2单元的订单") || strings.Contains(unit, "3栋1单元") {
		t.Errorf("汇总 2单元: %s", unit)
	}
}

func get(t *testing.T, url string, want int) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("GET %s: %d, want %d: %.300s", url, resp.StatusCode, want, b)
	}
	return string(b)
}
