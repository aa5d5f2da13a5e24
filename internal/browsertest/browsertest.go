// Package browsertest drives a real headless Chromium from tests, through
// github.com/chromedp/chromedp, and keeps screenshots as test artifacts.
//
// It looks for Debian's chromium (./scripts/test installs it with
// fonts-noto-cjk, without which every Chinese character is a box). A
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
		t.Skipf("no chromium (apt-get install -y chromium fonts-noto-cjk); set %s=1 to make this a failure", redistest.Required)
	}
	t.Fatalf("no chromium: install it (apt-get install -y chromium fonts-noto-cjk), or run ./scripts/test")
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
