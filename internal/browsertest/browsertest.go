// Package browsertest drives a real headless Chromium from tests, through
// github.com/chromedp/chromedp, and keeps screenshots as test artifacts.
//
// It looks for Debian's chromium (./scripts/test installs it with
// fonts-noto-cjk and fonts-noto-color-emoji, without which every Chinese
// character and emoji is a box). A
// missing browser skips the test, or fails it when BAOGONG_REQUIRE_REDIS
// is set, as a missing redis-server does (package redistest): CI cannot
// pass without the real thing.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/baogong/baogong/internal/redistest"
)

// ArtifactsEnv names the directory screenshots are kept in (one folder
// per test); without it they go to the test's temporary directory.
const ArtifactsEnv = "BAOGONG_ARTIFACTS"

// browsers are the names Chromium goes by.
var browsers = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// Chromium returns the browser's path, skipping (or, when
// redistest.Required is set, failing) the test when there is none.
func Chromium(t testing.TB) string {
	t.Helper()
	for _, b := range browsers {
		if p, err := exec.LookPath(b); err == nil {
			return p
		}
	}
	if os.Getenv(redistest.Required) == "" {
		t.Skipf("no chromium (apt-get install -y chromium fonts-noto-cjk fonts-noto-color-emoji); set %s=1 to make this a failure", redistest.Required)
	}
	t.Fatalf("no chromium: install it (apt-get install -y chromium fonts-noto-cjk fonts-noto-color-emoji), or run ./scripts/test")
	return ""
}

// New starts a headless Chromium with a window of width × height CSS
// pixels and returns its context; the browser stops with the test.
func New(t testing.TB, width, height int) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(Chromium(t)),
		chromedp.NoSandbox, // tests run as root in CI containers
		chromedp.WindowSize(width, height),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.Flag("hide-scrollbars", true),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc, chromedp.WithLogf(t.Logf))
	t.Cleanup(func() { cancel(); cancelAlloc() })
	// The first action starts the browser; it must not run under a
	// timeout (that would stop the browser with it).
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// Do runs steps against the browser, failing the test after timeout.
func Do(t testing.TB, ctx context.Context, timeout time.Duration, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := chromedp.Do(sctx, steps...); err != nil {
		t.Fatalf("browser: %v", err)
	}
}

// Run runs one action and returns its value, failing the test after
// timeout.
func Run[T any](t testing.TB, ctx context.Context, timeout time.Duration, a chromedp.Action[T]) T {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	v, err := chromedp.Run(sctx, a)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	return v
}

// Artifacts returns the test's artifact directory: $BAOGONG_ARTIFACTS/
// <test name>, or a temporary directory.
func Artifacts(t testing.TB) string {
	t.Helper()
	base := os.Getenv(ArtifactsEnv)
	if base == "" {
		return t.TempDir()
	}
	dir := filepath.Join(base, unsafeName.ReplaceAllString(t.Name(), "_"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// Shot saves a PNG of the whole page as name.png in dir and returns its
// path.
func Shot(t testing.TB, ctx context.Context, dir, name string) string {
	t.Helper()
	png := Run(t, ctx, 20*time.Second, chromedp.FullScreenshot(100))
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s", path)
	return path
}

// Phone is the width of the phones pages are made for (an iPhone 12 to
// 15, most Android phones are close), in CSS pixels; Desktop an office
// PC's window.
const (
	Phone   = 390
	Desktop = 1280
)

// Width makes the page width CSS pixels wide, as a phone (mobile, at
// twice the pixels) below 600, else as a desktop window; reload the page
// after.
func Width(width int) chromedp.Action[chromedp.Void] {
	if width < 600 {
		return chromedp.EmulateViewport(int64(width), 844, chromedp.EmulateMobile, chromedp.EmulateScale(2))
	}
	return chromedp.EmulateViewport(int64(width), 900)
}

// layoutJS lists what is wrong with the page's layout at its width: the
// page scrolling sideways, any element ending right of the screen, and
// any control (button, input, select, textarea, link, summary) that is
// not shown, starts left of the viewport, has its label cut off, or is
// cut off by a box around it. Elements inside a closed <details> (but its
// summary) are left alone: they show when it opens.
//
// The screen's width is the layout viewport's (clientWidth): a phone
// shows a page wider than it by zooming out, which makes innerWidth the
// page's width rather than the screen's.
const layoutJS = `(() => {
  const de = document.documentElement, W = de.clientWidth, out = [];
  if (de.scrollWidth > W || window.innerWidth > W + 1) out.push("the page scrolls sideways (or the phone zooms out): " + Math.max(de.scrollWidth, window.innerWidth) + "px wide in " + W + "px");
  const name = (e) => {
    let n = e.tagName.toLowerCase();
    if (e.id) n += "#" + e.id;
    if (typeof e.className === "string" && e.className.trim()) n += "." + e.className.trim().split(/\s+/).join(".");
    const t = (e.innerText || e.value || e.getAttribute("aria-label") || "").trim().replace(/\s+/g, " ").slice(0, 24);
    return t ? n + " «" + t + "»" : n;
  };
  const folded = (e) => {
    const d = e.closest("details:not([open])");
    if (!d) return false;
    const s = e.closest("summary");
    return !(s && s.parentElement === d);
  };
  const control = "button, input:not([type=hidden]), select, textarea, a[href], summary";
  for (const e of document.body.querySelectorAll("*")) {
    if (folded(e) || e.closest("[hidden]")) continue;
    const r = e.getBoundingClientRect(), isControl = e.matches(control);
    if (r.width === 0 && r.height === 0) {
      if (isControl && getComputedStyle(e).display !== "none") out.push(name(e) + " is not shown");
      continue;
    }
    if (getComputedStyle(e).display === "none") continue;
    if (r.right > W + 0.5) out.push(name(e) + " ends at " + Math.round(r.right) + "px, right of the " + W + "px screen");
    if (!isControl) continue;
    if (r.left < -0.5) out.push(name(e) + " starts left of the screen");
    if (e.matches("button, a, summary") && e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).display !== "inline") out.push(name(e) + " has its label cut off");
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      const cs = getComputedStyle(a);
      if (cs.overflowX === "visible" && cs.overflowY === "visible") continue;
      const ar = a.getBoundingClientRect();
      if (r.left < ar.left - 0.5 || r.right > ar.right + 0.5) out.push(name(e) + " is cut off by " + name(a));
      break;
    }
  }
  return out.slice(0, 40);
})()`

// Layout returns what is wrong with the layout of the page shown (see
// layoutJS): nothing, for a page that fits its width.
func Layout(t testing.TB, ctx context.Context) []string {
	t.Helper()
	return Run(t, ctx, 20*time.Second, chromedp.Evaluate[[]string](layoutJS))
}

// CheckLayout fails the test for each thing wrong with the page's layout,
// naming what (a page and width).
func CheckLayout(t testing.TB, ctx context.Context, what string) {
	t.Helper()
	for _, p := range Layout(t, ctx) {
		t.Errorf("%s: %s", what, p)
	}
}

// Load runs steps that make the page load another (a click on a link or a
// form's button, a navigation) and waits until it has.
func Load(t testing.TB, ctx context.Context, timeout time.Duration, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	lctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	loaded := chromedp.Events(lctx, page.LoadEventFired)
	Do(t, ctx, timeout, steps...)
	for _, err := range loaded {
		if err != nil {
			t.Fatalf("browser: no page loaded: %v", err)
		}
		return
	}
}
