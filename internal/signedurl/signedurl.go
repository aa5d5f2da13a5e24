// Package signedurl makes and checks expiring links signed with
// HMAC-SHA256.
//
// A link carries its expiry (exp, Unix seconds) and a signature (sig, hex)
// in its query:
//
//	https://bg.example.com/r/roster?grid=1&exp=1700003600&sig=4f1c…
//
// sig = HMAC-SHA256(Key, path + "\n" + canonical query), where path is the
// unescaped URL path (what r.URL.Path holds on the server) and the
// canonical query is every parameter but sig, exp included, encoded as
// url.Values.Encode does (keys sorted, values in order). The query
// encoding never holds a newline, so path and query cannot be shifted
// into each other. Changing the path, any parameter or the expiry breaks
// the signature; reordering parameters does not change their meaning and
// does not break it.
package signedurl

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Errors returned by Check.
var (
	// ErrBadSignature: the link was not made with this key, was changed,
	// or lacks exp or sig.
	ErrBadSignature = errors.New("signedurl: bad signature")
	// ErrExpired: the link is genuine but its time is up.
	ErrExpired = errors.New("signedurl: link expired")
)

// DefaultTTL is how long links last when Signer.TTL is not positive.
const DefaultTTL = 24 * time.Hour

// Reserved query parameters: URL sets them and drops a caller's.
const (
	ParamExp = "exp"
	ParamSig = "sig"
)

// Signer makes and checks links. Its fields must not change while it is
// in use; it is then safe for concurrent use.
type Signer struct {
	// Key is the HMAC key; use DeriveKey to get one per purpose. With an
	// empty key Check rejects every link.
	Key []byte
	// Base is prepended to links, e.g. https://bg.example.com (a trailing
	// slash is dropped). It is not signed: the server checks the path it
	// sees.
	Base string
	// TTL is how long a link lasts; DefaultTTL when not positive.
	TTL time.Duration
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

func (s *Signer) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// URL returns Base+path+"?"+query+"&exp=<unix>&sig=<hex>", valid for TTL
// from now. path is the unescaped path the handler will see in
// r.URL.Path ("/" is added in front if missing); it is escaped in the
// link. q may be nil; its exp and sig parameters, if any, are replaced.
// q is not modified.
func (s *Signer) URL(path string, q url.Values) string {
	ttl := s.TTL
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	return s.URLUntil(path, q, s.now().Add(ttl))
}

// URLFor is URL for a link that lasts ttl from now instead of TTL (a
// prescription photo's link lasts hours, not the days of a round's).
func (s *Signer) URLFor(path string, q url.Values, ttl time.Duration) string {
	return s.URLUntil(path, q, s.now().Add(ttl))
}

// URLUntil is URL for a link that lasts until until (a volunteer's round
// ends, and so does the link to it).
func (s *Signer) URLUntil(path string, q url.Values, until time.Time) string {
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	v := make(url.Values, len(q)+1)
	for k, vs := range q {
		if k != ParamExp && k != ParamSig {
			v[k] = vs
		}
	}
	exp := strconv.FormatInt(until.Unix(), 10)
	v.Set(ParamExp, exp)
	sig := hex.EncodeToString(s.mac(path, v.Encode()))

	var b strings.Builder
	b.WriteString(strings.TrimSuffix(s.Base, "/"))
	b.WriteString((&url.URL{Path: path}).EscapedPath())
	b.WriteByte('?')
	v.Del(ParamExp)
	if len(v) > 0 {
		b.WriteString(v.Encode())
		b.WriteByte('&')
	}
	b.WriteString(ParamExp + "=" + exp + "&" + ParamSig + "=" + sig)
	return b.String()
}

// Check verifies the link r was made from: nil when its signature matches
// (compared in constant time) and its expiry is still in the future.
// It returns an error wrapping ErrBadSignature when the signature does
// not match or exp or sig is missing, duplicated or malformed (the
// signature is checked first, so a forged link never learns about
// expiry), and ErrExpired for a genuine link whose time is up. Check
// reads r.URL.Path, so call it where that is the path given to URL (for
// instance before http.StripPrefix).
func (s *Signer) Check(r *http.Request) error {
	if len(s.Key) == 0 {
		return fmt.Errorf("%w: signer has no key", ErrBadSignature)
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return fmt.Errorf("%w: query: %v", ErrBadSignature, err)
	}
	sigs, exps := q[ParamSig], q[ParamExp]
	if len(sigs) != 1 || len(exps) != 1 {
		return fmt.Errorf("%w: want one %s and one %s", ErrBadSignature, ParamExp, ParamSig)
	}
	got, err := hex.DecodeString(sigs[0])
	if err != nil {
		return fmt.Errorf("%w: sig is not hex", ErrBadSignature)
	}
	q.Del(ParamSig)
	if !hmac.Equal(got, s.mac(r.URL.Path, q.Encode())) {
		return ErrBadSignature
	}
	exp, err := strconv.ParseInt(exps[0], 10, 64)
	if err != nil {
		return fmt.Errorf("%w: exp is not a number", ErrBadSignature) // cannot happen with our key
	}
	if !s.now().Before(time.Unix(exp, 0)) {
		return ErrExpired
	}
	return nil
}

// mac is HMAC-SHA256(Key, path + "\n" + query).
func (s *Signer) mac(path, query string) []byte {
	m := hmac.New(sha256.New, s.Key)
	m.Write([]byte(path))
	m.Write([]byte{'\n'})
	m.Write([]byte(query))
	return m.Sum(nil)
}

// DeriveKey returns HMAC-SHA256(secret, purpose): a key for one purpose
// ("roster-links", "picklist-links") derived from a secret such as the
// admin token, so links never carry or reveal the secret itself, and a
// key for one purpose does not open links of another. An empty secret
// gives a nil key, with which Check rejects every link, rather than a
// key anyone could compute.
func DeriveKey(secret, purpose string) []byte {
	if secret == "" {
		return nil
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(purpose))
	return m.Sum(nil)
}
