package signedurl

import (
	"encoding/hex"
	"errors"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2022, 4, 10, 9, 0, 0, 0, time.UTC)

func newSigner(key string, now *time.Time) *Signer {
	return &Signer{
		Key:  DeriveKey(key, "roster-links"),
		Base: "https://bg.example.com/",
		TTL:  time.Hour,
		Now:  func() time.Time { return *now },
	}
}

func check(s *Signer, link string) error {
	return s.Check(httptest.NewRequest("GET", link, nil))
}

func TestRoundTrip(t *testing.T) {
	now := t0
	s := newSigner("admin-token", &now)
	cases := []struct {
		path string
		q    url.Values
	}{
		{"/r/roster", url.Values{"grid": {"1"}, "v": {"张三"}}},
		{"r/roster", nil}, // "/" added
		{"/r/备货单/惠民 超市", url.Values{"a": {"x&y=z", "2"}, "b": {""}}},
		{"/p", url.Values{"exp": {"99999999999"}, "sig": {"00"}}}, // reserved keys replaced
	}
	for _, c := range cases {
		link := s.URL(c.path, c.q)
		if !strings.HasPrefix(link, "https://bg.example.com/") || strings.HasPrefix(link, "https://bg.example.com//") {
			t.Errorf("URL(%q) = %s: want Base once, with one slash", c.path, link)
		}
		if err := check(s, link); err != nil {
			t.Errorf("Check(URL(%q, %v) = %s) = %v, want nil", c.path, c.q, link, err)
		}
	}
}

func TestURLShape(t *testing.T) {
	now := t0
	s := newSigner("k", &now)
	q := url.Values{"grid": {"1"}}
	link := s.URL("/r/roster", q)
	want := "https://bg.example.com/r/roster?grid=1&exp=1649584800&sig="
	if !strings.HasPrefix(link, want) {
		t.Fatalf("URL = %s, want prefix %s", link, want)
	}
	if sig := strings.TrimPrefix(link, want); len(sig) != 64 {
		t.Errorf("sig %q: want 64 hex digits", sig)
	}
	if len(q) != 1 {
		t.Errorf("URL modified q: %v", q)
	}
	if got := s.URL("/x", nil); !strings.HasPrefix(got, "https://bg.example.com/x?exp=1649584800&sig=") {
		t.Errorf("URL without query = %s", got)
	}
}

func TestTampered(t *testing.T) {
	now := t0
	s := newSigner("admin-token", &now)
	link := s.URL("/r/roster", url.Values{"grid": {"1"}, "v": {"alice"}})
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	edit := func(f func(u *url.URL, q url.Values)) string {
		u2 := *u
		q2 := url.Values{}
		for k, v := range q {
			q2[k] = append([]string(nil), v...)
		}
		f(&u2, q2)
		u2.RawQuery = q2.Encode()
		return u2.String()
	}
	cases := map[string]string{
		"path":         edit(func(u *url.URL, q url.Values) { u.Path = "/r/roster2" }),
		"path case":    edit(func(u *url.URL, q url.Values) { u.Path = "/r/Roster" }),
		"param value":  edit(func(u *url.URL, q url.Values) { q.Set("v", "bob") }),
		"param added":  edit(func(u *url.URL, q url.Values) { q.Set("all", "1") }),
		"param gone":   edit(func(u *url.URL, q url.Values) { q.Del("grid") }),
		"param repeat": edit(func(u *url.URL, q url.Values) { q.Add("v", "bob") }),
		"exp later":    edit(func(u *url.URL, q url.Values) { q.Set("exp", "1649588401") }),
		"exp earlier":  edit(func(u *url.URL, q url.Values) { q.Set("exp", "1649584799") }),
		"no exp":       edit(func(u *url.URL, q url.Values) { q.Del("exp") }),
		"two exp":      edit(func(u *url.URL, q url.Values) { q.Add("exp", q.Get("exp")) }),
		"no sig":       edit(func(u *url.URL, q url.Values) { q.Del("sig") }),
		"two sig":      edit(func(u *url.URL, q url.Values) { q.Add("sig", q.Get("sig")) }),
		"sig not hex":  edit(func(u *url.URL, q url.Values) { q.Set("sig", "zz") }),
		"sig short":    edit(func(u *url.URL, q url.Values) { q.Set("sig", q.Get("sig")[:62]) }),
		"sig flipped":  edit(func(u *url.URL, q url.Values) { q.Set("sig", flip(q.Get("sig"))) }),
		"semicolon":    link + ";x=1",
		"path in query": edit(func(u *url.URL, q url.Values) {
			u.Path = "/r/roster\ngrid=1"
			q.Del("grid")
		}),
	}
	for name, bad := range cases {
		if err := check(s, bad); !errors.Is(err, ErrBadSignature) {
			t.Errorf("%s: Check(%s) = %v, want ErrBadSignature", name, bad, err)
		}
	}
	// Reordering the parameters keeps their meaning and the signature.
	reordered := u.Scheme + "://" + u.Host + u.Path + "?sig=" + q.Get("sig") + "&v=alice&exp=" + q.Get("exp") + "&grid=1"
	if err := check(s, reordered); err != nil {
		t.Errorf("reordered: Check(%s) = %v, want nil", reordered, err)
	}
}

func flip(sig string) string {
	b := []byte(sig)
	if b[0] == '0' {
		b[0] = '1'
	} else {
		b[0] = '0'
	}
	return string(b)
}

func TestExpired(t *testing.T) {
	now := t0
	s := newSigner("admin-token", &now)
	link := s.URL("/r/roster", url.Values{"grid": {"1"}})
	for _, c := range []struct {
		after time.Duration
		want  error
	}{
		{0, nil},
		{time.Hour - time.Second, nil},
		{time.Hour - time.Nanosecond, nil},
		{time.Hour, ErrExpired},
		{48 * time.Hour, ErrExpired},
	} {
		now = t0.Add(c.after)
		if err := check(s, link); !errors.Is(err, c.want) || (c.want == nil && err != nil) {
			t.Errorf("after %v: Check = %v, want %v", c.after, err, c.want)
		}
	}
	// A forged link is bad before it is expired.
	now = t0.Add(48 * time.Hour)
	if err := check(s, link+"0"); !errors.Is(err, ErrBadSignature) {
		t.Errorf("expired and forged: Check = %v, want ErrBadSignature", err)
	}
}

func TestDifferentKey(t *testing.T) {
	now := t0
	a, b := newSigner("token-a", &now), newSigner("token-b", &now)
	link := a.URL("/r/roster", url.Values{"grid": {"1"}})
	if err := check(b, link); !errors.Is(err, ErrBadSignature) {
		t.Errorf("other key: Check = %v, want ErrBadSignature", err)
	}
	// Same secret, other purpose: other key.
	c := &Signer{Key: DeriveKey("token-a", "picklist-links"), Now: a.Now}
	if err := check(c, link); !errors.Is(err, ErrBadSignature) {
		t.Errorf("other purpose: Check = %v, want ErrBadSignature", err)
	}
}

func TestNoKey(t *testing.T) {
	now := t0
	s := &Signer{Now: func() time.Time { return now }}
	link := s.URL("/r", nil)
	if err := check(s, link); !errors.Is(err, ErrBadSignature) {
		t.Errorf("empty key: Check = %v, want ErrBadSignature", err)
	}
	if k := DeriveKey("", "roster-links"); k != nil {
		t.Errorf("DeriveKey with empty secret = %x, want nil", k)
	}
}

func TestDefaults(t *testing.T) {
	s := &Signer{Key: []byte("k")} // real clock, DefaultTTL
	link := s.URL("/r", url.Values{"grid": {"1"}})
	if err := check(s, link); err != nil {
		t.Fatalf("Check = %v", err)
	}
	u, _ := url.Parse(link)
	n, err := strconv.ParseInt(u.Query().Get("exp"), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Until(time.Unix(n, 0)); d < DefaultTTL-time.Minute || d > DefaultTTL {
		t.Errorf("exp in %v, want about %v", d, DefaultTTL)
	}
}

func TestDeriveKey(t *testing.T) {
	// HMAC-SHA256 test vector, RFC 4231 test case 2.
	got := DeriveKey("Jefe", "what do ya want for nothing?")
	const want = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
	if h := hex.EncodeToString(got); h != want {
		t.Errorf("DeriveKey = %s, want %s", h, want)
	}
}
