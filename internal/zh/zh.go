// Package zh folds Chinese user input into one canonical form so that text
// typed by residents (traditional characters, full-width digits and letters,
// assorted dashes, Chinese numerals) can be matched with simple comparisons.
//
// Fold canonicalises a string rune by rune; ParseNumber and IsDigitRune read
// the numbers people type in Chinese, including digit-by-digit room numbers.
//
// The traditional→simplified table in t2s_table.go is generated from OpenCC
// data (see NOTICE). Regenerating needs the Debian package "opencc"
// (apt-get install opencc) for opencc_dict and its TSCharacters.ocd2:
//
//go:generate sh -c "opencc_dict -i /usr/share/opencc/TSCharacters.ocd2 -o /dev/stdout -f ocd2 -t text | go run ./internal/gent2s -in /dev/stdin -out t2s_table.go"
package zh

import (
	"strings"
	"sync"
	"unicode/utf8"
)

// Fold returns s in canonical form:
//
//   - traditional Chinese characters become simplified, one character at a
//     time, using the first candidate of OpenCC's TSCharacters table (so
//     context-dependent characters get a single fixed reading, e.g. 乾→干);
//   - full-width ASCII forms U+FF01–U+FF5E become their ASCII counterparts
//     ('３'→'3', 'Ａ'→'a', '－'→'-', '＃'→'#', '（'→'(', '！'→'!'), except
//     the Chinese punctuation '，' '；' '：', which is kept; the ideographic
//     space U+3000 becomes ' ';
//   - the dashes and hyphens U+2010–U+2014 and the minus sign U+2212 become '-';
//   - ASCII letters are lower-cased.
//
// Everything else, including simplified hanzi, emoji, '×' and Chinese
// punctuation such as '，' '、' '；' '：' '。', is left as is. Invalid UTF-8
// bytes are copied through unchanged.
//
// Fold never changes the number of runes, as counted by utf8.RuneCountInString
// or a range loop: the i-th rune of the result is the folded i-th rune of s,
// so callers can map rune positions between the two strings. Byte offsets do
// not carry over, since e.g. 'Ａ' (3 bytes) becomes 'a' (1 byte).
//
// Fold is idempotent: Fold(Fold(s)) == Fold(s). If s is already canonical it
// is returned without allocating.
func Fold(s string) string {
	for i, r := range s {
		// Invalid bytes surface here as RuneError, which folds to itself,
		// so they never trigger the slow path on their own.
		if foldRune(r) != r {
			return foldFrom(s, i)
		}
	}
	return s
}

// foldFrom folds s knowing that s[:i] is already canonical.
func foldFrom(s string, i int) string {
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			// Copying the raw byte rather than writing U+FFFD keeps the
			// output byte-identical to the input wherever nothing was folded.
			b.WriteByte(s[i])
		} else {
			b.WriteRune(foldRune(r))
		}
		i += size
	}
	return b.String()
}

func foldRune(r rune) rune {
	switch {
	case r < utf8.RuneSelf:
		if 'A' <= r && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	case r == '，' || r == '；' || r == '：':
		// Full-width forms, but kept on purpose: they are ordinary Chinese
		// sentence punctuation, like '、' and '。', which have no ASCII form.
		return r
	case 0xFF01 <= r && r <= 0xFF5E:
		r -= 0xFF01 - 0x21
		if 'A' <= r && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	case r == '\u3000':
		return ' '
	case '\u2010' <= r && r <= '\u2014', r == '\u2212':
		// U+2010 hyphen … U+2014 em dash, and the minus sign: IMEs and
		// phone keyboards produce these where people mean "-" in "3-2-501".
		return '-'
	case t2sMin <= r && r <= t2sMax:
		return simplify(r)
	}
	return r
}

type t2sPair struct{ from, to rune }

// t2sTable decodes t2sPairs on first use so that programs importing zh but
// never folding hanzi pay nothing for the table.
var t2sTable = sync.OnceValue(func() []t2sPair {
	tab := make([]t2sPair, 0, t2sCount)
	var pending rune = -1
	for _, r := range t2sPairs {
		if pending < 0 {
			pending = r
			continue
		}
		tab = append(tab, t2sPair{pending, r})
		pending = -1
	}
	return tab
})

func simplify(r rune) rune {
	tab := t2sTable()
	// Hand-rolled binary search: it sits on the per-rune hot path and this
	// avoids the indirect comparison call of sort.Search.
	lo, hi := 0, len(tab)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if tab[m].from < r {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(tab) && tab[lo].from == r {
		return tab[lo].to
	}
	return r
}
