package wxsign

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/silenceper/wechat/v2/util"
)

// testAccount uses a made-up but well-formed key, so these tests do not
// depend on the published vectors (those have their own test).
var testAccount = Account{
	Token:          "baogong-token",
	AppID:          "wx0123456789abcdef",
	EncodingAESKey: "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR",
}

func randomBytes(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRoundTrip covers every padding length: plaintexts from 0 to 100
// bytes hit each remainder mod 32, including the full-block pad.
func TestRoundTrip(t *testing.T) {
	for n := 0; n <= 100; n++ {
		msg := randomBytes(t, n)
		enc, err := testAccount.Encrypt(msg, randomBytes(t, 16))
		if err != nil {
			t.Fatalf("len %d: Encrypt: %v", n, err)
		}
		raw, _ := base64.StdEncoding.DecodeString(enc)
		if len(raw)%32 != 0 {
			t.Fatalf("len %d: ciphertext is %d bytes, not a multiple of 32", n, len(raw))
		}
		got, appID, err := testAccount.Decrypt(enc)
		if err != nil {
			t.Fatalf("len %d: Decrypt: %v", n, err)
		}
		if !bytes.Equal(got, msg) || appID != testAccount.AppID {
			t.Fatalf("len %d: round trip gave %x/%q, want %x/%q", n, got, appID, msg, testAccount.AppID)
		}
	}
}

// TestCrossCheckLibrary pairs our implementation with silenceper's util in
// both directions; with the same random prefix the ciphertexts must be equal.
func TestCrossCheckLibrary(t *testing.T) {
	for _, n := range []int{0, 1, 11, 12, 31, 32, 33, 300, 4096} {
		msg := randomBytes(t, n)
		random := randomBytes(t, 16)

		ours, err := testAccount.Encrypt(msg, random)
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := util.EncryptMsg(random, msg, testAccount.AppID, testAccount.EncodingAESKey)
		if err != nil {
			t.Fatal(err)
		}
		if ours != string(theirs) {
			t.Fatalf("len %d: Encrypt differs from util.EncryptMsg:\n ours   %s\n theirs %s", n, ours, theirs)
		}

		gotRandom, plain, err := util.DecryptMsg(testAccount.AppID, ours, testAccount.EncodingAESKey)
		if err != nil {
			t.Fatalf("len %d: util.DecryptMsg(ours): %v", n, err)
		}
		if !bytes.Equal(plain, msg) || !bytes.Equal(gotRandom, random) {
			t.Fatalf("len %d: util.DecryptMsg(ours) = %x, %x", n, gotRandom, plain)
		}

		plain, appID, err := testAccount.Decrypt(string(theirs))
		if err != nil {
			t.Fatalf("len %d: Decrypt(theirs): %v", n, err)
		}
		if !bytes.Equal(plain, msg) || appID != testAccount.AppID {
			t.Fatalf("len %d: Decrypt(theirs) = %x, %q", n, plain, appID)
		}
	}
}

func TestSignMatchesLibrary(t *testing.T) {
	for i := 0; i < 50; i++ {
		parts := make([]string, 1+i%5)
		for j := range parts {
			parts[j] = base64.StdEncoding.EncodeToString(randomBytes(t, i+j))
		}
		orig := append([]string(nil), parts...)
		ours := Sign(parts...)
		if strings.Join(parts, "|") != strings.Join(orig, "|") {
			t.Fatal("Sign reordered its argument")
		}
		if theirs := util.Signature(append([]string(nil), parts...)...); ours != theirs {
			t.Fatalf("Sign(%q) = %s, util.Signature = %s", parts, ours, theirs)
		}
	}
}

func TestDecryptRejects(t *testing.T) {
	enc, err := testAccount.Encrypt([]byte("<xml/>"), randomBytes(t, 16))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.StdEncoding.DecodeString(enc)
	// In CBC, flipping a bit of the next-to-last block flips the same bit
	// of the last plaintext block: the final pad byte becomes >= 0x80,
	// which must be refused every time, not just usually.
	tampered := append([]byte(nil), raw...)
	tampered[len(tampered)-1-16] ^= 0x80

	other := testAccount
	other.EncodingAESKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"

	cases := map[string]struct {
		acct Account
		enc  string
	}{
		"not base64":     {testAccount, "%%%"},
		"empty":          {testAccount, ""},
		"partial block":  {testAccount, base64.StdEncoding.EncodeToString(raw[:len(raw)-1])},
		"tampered pad":   {testAccount, base64.StdEncoding.EncodeToString(tampered)},
		"wrong key":      {other, enc},
		"short key":      {Account{EncodingAESKey: "abc"}, enc},
		"key not base64": {Account{EncodingAESKey: strings.Repeat("!", 43)}, enc},
	}
	for name, c := range cases {
		if _, _, err := c.acct.Decrypt(c.enc); err == nil {
			t.Errorf("%s: Decrypt succeeded", name)
		}
	}
	if _, err := testAccount.Encrypt([]byte("x"), []byte("short")); err == nil {
		t.Error("Encrypt accepted a 5-byte random prefix")
	}
}
