package browsertest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestLayoutFindsProblems: the layout check names a page that scrolls
// sideways, a box ending off the screen, a control cut off by its box and
// a button whose label does not fit, and passes a page that fits.
func TestLayoutFindsProblems(t *testing.T) {
	pages := map[string]string{
		"/bad": `<!doctype html><meta name="viewport" content="width=device-width, initial-scale=1"><body style="margin:0">
<table><tr><td>一</td><td style="white-space:nowrap">很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长</td></tr></table>
<div style="width:200px;overflow:hidden"><div style="width:300px"><button id="far" style="margin-left:220px">补货</button></div></div>
<button id="tight" style="width:40px;overflow:hidden;white-space:nowrap">设为售罄</button>
<details><summary>更多</summary><div style="width:2000px">folded away</div></details></body>`,
		"/good": `<!doctype html><meta name="viewport" content="width=device-width, initial-scale=1"><body>
<p>一段很长的话会自己换行，一段很长的话会自己换行，一段很长的话会自己换行。</p><button>送达</button><input name="q" style="width:100%;box-sizing:border-box"></body>`,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(pages[r.URL.Path]))
	}))
	defer srv.Close()
	ctx := New(t, Phone, 844)
	Do(t, ctx, 20*time.Second, Width(Phone))
	Load(t, ctx, 20*time.Second, chromedp.Navigate(srv.URL+"/bad"))
	got := strings.Join(Layout(t, ctx), "\n")
	for _, want := range []string{"the page scrolls sideways", "td «很长很长", "button#far «补货» is cut off by div", "button#tight «设为售罄» has its label cut off"} {
		if !strings.Contains(got, want) {
			t.Errorf("the bad page's problems lack %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "folded away") {
		t.Errorf("a folded <details> counted:\n%s", got)
	}
	Load(t, ctx, 20*time.Second, chromedp.Navigate(srv.URL+"/good"))
	if got := Layout(t, ctx); len(got) != 0 {
		t.Errorf("the good page: %q", got)
	}
}
