package staff_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/baogong/baogong/internal/redistest"
	"github.com/baogong/baogong/staff"
)

func TestMain(m *testing.M) { redistest.Main(m) }

func TestSignInTokenWorksOnce(t *testing.T) {
	ctx := context.Background()
	k := staff.New(redistest.Client(t), redistest.Community(t))
	tok, err := k.IssueSignIn(ctx, "staff-1")
	if err != nil {
		t.Fatal(err)
	}
	// Ten browsers (or replicas) open the same link at once: one wins.
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			who, err := k.RedeemSignIn(ctx, tok)
			if err == nil && who == "staff-1" {
				mu.Lock()
				won++
				mu.Unlock()
			} else if !errors.Is(err, staff.ErrNotFound) {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if won != 1 {
		t.Errorf("%d redeemed the token, want 1", won)
	}
	if _, err := k.RedeemSignIn(ctx, "forged"); !errors.Is(err, staff.ErrNotFound) {
		t.Errorf("forged token: %v", err)
	}
}

func TestSessionsExpire(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	k := staff.New(redistest.Client(t), redistest.Community(t))
	k.Now = func() time.Time { return now }
	k.SessionIdle = time.Second
	s, err := k.StartSession(ctx, "staff-1", staff.ViaWeChat)
	if err != nil || s.ID == "" || s.CSRF == "" || s.ID == s.CSRF {
		t.Fatalf("start: %+v %v", s, err)
	}
	got, err := k.Session(ctx, s.ID)
	if err != nil || got.Who != "staff-1" || got.CSRF != s.CSRF {
		t.Fatalf("read: %+v %v", got, err)
	}
	time.Sleep(1100 * time.Millisecond)
	if _, err := k.Session(ctx, s.ID); !errors.Is(err, staff.ErrNotFound) {
		t.Errorf("idle session still open: %v", err)
	}

	k.SessionIdle = time.Hour
	s, _ = k.StartSession(ctx, "staff-1", staff.ViaWeChat)
	now = now.Add(staff.DefaultSessionMax + time.Minute)
	if _, err := k.Session(ctx, s.ID); !errors.Is(err, staff.ErrNotFound) {
		t.Errorf("session past its maximum age still open: %v", err)
	}
	s, _ = k.StartSession(ctx, "staff-1", staff.ViaWeChat)
	k.EndSession(ctx, s.ID)
	if _, err := k.Session(ctx, s.ID); !errors.Is(err, staff.ErrNotFound) {
		t.Errorf("ended session still open: %v", err)
	}
}

func TestAuditNewestFirst(t *testing.T) {
	ctx := context.Background()
	k := staff.New(redistest.Client(t), redistest.Community(t))
	for i := range 5 {
		k.Record(ctx, staff.Entry{Who: "staff-1", Action: "补货", Target: fmt.Sprint(i)})
	}
	es, err := k.Entries(ctx, 1, 2)
	if err != nil || len(es) != 2 || es[0].Target != "3" || es[1].Target != "2" || es[0].At.IsZero() {
		t.Errorf("entries %+v %v", es, err)
	}
}

func TestGuardClient(t *testing.T) {
	g := &staff.Guard{Proxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("10.0.0.0/8")}}
	for _, tc := range []struct{ peer, xff, want string }{
		{"127.0.0.1:5000", "", "127.0.0.1"},
		{"127.0.0.1:5000", "203.0.113.9", "203.0.113.9"},
		{"127.0.0.1:5000", "198.51.100.1, 203.0.113.9, 10.1.2.3", "203.0.113.9"}, // the nearest hop not ours
		{"127.0.0.1:5000", "junk, 203.0.113.9", "203.0.113.9"},
		{"127.0.0.1:5000", "10.1.2.3", "127.0.0.1"},               // only proxies: the peer
		{"192.0.2.7:5000", "203.0.113.9", "192.0.2.7"},            // not a proxy: its header means nothing
		{"[::ffff:127.0.0.1]:5000", "203.0.113.9", "203.0.113.9"}, // IPv4 in IPv6
	} {
		r := httptest.NewRequest("GET", "/api/orders", nil)
		r.RemoteAddr = tc.peer
		if tc.xff != "" {
			r.Header.Set("X-Forwarded-For", tc.xff)
		}
		if got := g.Client(r); got != tc.want {
			t.Errorf("peer %s, X-Forwarded-For %q: %s, want %s", tc.peer, tc.xff, got, tc.want)
		}
	}
	var none *staff.Guard
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr, r.Header["X-Forwarded-For"] = "127.0.0.1:1", []string{"203.0.113.9"}
	if got := none.Client(r); got != "127.0.0.1" {
		t.Errorf("no guard: %s", got)
	}
}
