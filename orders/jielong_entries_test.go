package orders

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/baogong/baogong/internal/zh"
)

// These tests hold the parser to its promise that nothing in a list is
// dropped unsaid: every numbered entry comes back as an order, an
// overridden order or a rejected line, whatever its number's length.

// reEntryNumber reads an entry number the way a person sees one, any
// length: 1. 1、 1） (1) ①, in folded text. It is the tests' own reader,
// kept apart from the parser's.
var reEntryNumber = regexp.MustCompile(`^(?:\((\d+)\)|(\d+)\s*[.、)])`)

func entryNumber(line string) (int, string, bool) {
	s := zh.Fold(strings.TrimSpace(line))
	if r := []rune(s); len(r) > 0 && r[0] >= '①' && r[0] <= '⑳' {
		return int(r[0]-'①') + 1, string(r[1:]), true
	}
	m := reEntryNumber.FindStringSubmatch(s)
	if m == nil {
		return 0, s, false
	}
	n, _ := strconv.Atoi(m[1] + m[2])
	return n, s[len(m[0]):], true
}

// namesHousehold reports whether folded text s holds an address.
func namesHousehold(s string) bool {
	_, s = stripPhones(s)
	_, ok := FindAddress(s, nil)
	return ok
}

// TestJielongEveryEntryAccounted checks over the corpus that each line of
// a 接龙 with an entry number is an order, overridden or rejected, unless
// it is an example or one of the list's numbered rules: a line naming no
// household, numbered 1, 2, 3 … before the entries or again after them.
// An unnumbered line among the entries that names a household and goods
// is rejected too.
func TestJielongEveryEntryAccounted(t *testing.T) {
	cat := testCatalog(t)
	for _, file := range corpusFiles(t) {
		name := filepath.Base(file)
		text, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		res := ParseText(cat, string(text), corpusContext(name))
		got := records(res)
		inList, entries, rule := false, 0, 0
		for i, line := range strings.Split(string(text), "\n") {
			n := i + 1
			if strings.TrimSpace(line) == "" {
				continue
			}
			if _, ok := headerTitle(strings.TrimSpace(line), zh.Fold(strings.TrimSpace(line))); ok {
				inList, entries, rule = true, 0, 0
				continue
			}
			num, body, numbered := entryNumber(line)
			accounted := got[n].Kind != ""
			switch {
			case accounted:
				if numbered {
					entries, rule = num, 0
				}
			case numbered && isExample(body):
			case numbered && !namesHousehold(body) && (entries == 0 || num == 1 || num == rule):
				if entries > 0 {
					rule = num + 1 // a rule after the entries
				}
			case numbered:
				t.Errorf("%s:%d %q: entry %d is neither ordered nor reported", name, n, line, num)
			case inList && entries > 0:
				b := readBody(cat, body, contextFor(corpusContext(name), ""))
				if namesHousehold(body) && b.hasGoods() {
					t.Errorf("%s:%d %q: an order without entry number is neither ordered nor reported", name, n, line)
				}
			}
		}
	}
}

// longJielong is a 接龙 of n households over four buildings, its entries
// numbered in the ways people type them (1. 1、 1） (1) and full-width
// digits), each bad-th one without an address, and two numbered rules at
// the end.
func longJielong(n, bad int) string {
	var b strings.Builder
	b.WriteString("#接龙 全小区蔬菜包\n例：3-2-501 蔬菜包1份\n\n")
	buildings := []string{"3", "5", "6", "8"}
	for i := 1; i <= n; i++ {
		num := strconv.Itoa(i)
		switch i % 5 {
		case 0:
			fmt.Fprintf(&b, "%s. ", num)
		case 1:
			fmt.Fprintf(&b, "%s、", num)
		case 2:
			fmt.Fprintf(&b, "%s）", num)
		case 3:
			fmt.Fprintf(&b, "(%s) ", num)
		case 4:
			fmt.Fprintf(&b, "%s．", fullWidth(num))
		}
		if i%bad == 0 {
			fmt.Fprintf(&b, "住户%d 蔬菜包1份\n", i)
			continue
		}
		fmt.Fprintf(&b, "🌻住户%d %s\n", i, longListAddress(i, buildings)+" 蔬菜包"+strconv.Itoa(1+i%3)+"份")
	}
	b.WriteString("1. 下午统一配送\n2. 有问题找楼长\n")
	return b.String()
}

// longListAddress is entry i's household: a different one for each i.
func longListAddress(i int, buildings []string) string {
	return fmt.Sprintf("%s-%d-%d", buildings[i%4], 1+i/4%4, 101+i/16)
}

func fullWidth(digits string) string {
	return strings.Map(func(r rune) rune { return r - '0' + '０' }, digits)
}

func TestLongJielongEveryEntry(t *testing.T) {
	cat := testCatalog(t)
	const n, bad = 1234, 97
	res := ParseText(cat, longJielong(n, bad), Context{Known: corpusKnown})
	seen := map[int]int{}
	for _, o := range res.Orders {
		seen[o.Number]++
		want := longListAddress(o.Number, []string{"3", "5", "6", "8"})
		if o.Address.Household() != want || o.Line != o.Number+3 {
			t.Errorf("entry %d on line %d: %s, want %s on line %d", o.Number, o.Line, o.Address.Household(), want, o.Number+3)
		}
	}
	for _, r := range res.Rejected {
		seen[r.Number]++
		if r.Number%bad != 0 || r.Reason != ReasonNoAddress {
			t.Errorf("entry %d rejected: %s", r.Number, r.Reason)
		}
	}
	if len(res.Overridden) != 0 {
		t.Errorf("overridden: %v", res.Overridden)
	}
	for i := 1; i <= n; i++ {
		if seen[i] != 1 {
			t.Errorf("entry %d accounted for %d times, want once", i, seen[i])
		}
	}
	if want := n / bad; len(res.Rejected) != want || len(res.Orders) != n-want {
		t.Errorf("%d orders and %d rejected, want %d and %d", len(res.Orders), len(res.Rejected), n-want, want)
	}
}

func BenchmarkParseLongJielong(b *testing.B) {
	cat := testCatalog(b)
	text := longJielong(1000, 97)
	for b.Loop() {
		ParseText(cat, text, Context{Known: corpusKnown})
	}
}

// TestNumberOrRoom: outside a 接龙, a line starting 1202、 with no other
// address is for room 1202 (as before entry numbers grew past three
// digits); in a 接龙 it is entry 1202, and without an address it is
// reported, never ordered for a room it may not be.
func TestNumberOrRoom(t *testing.T) {
	cat := testCatalog(t)
	c := Context{Building: "6", Unit: "2", Known: corpusKnown}
	res := ParseText(cat, "1202、鸡蛋1盒", c)
	if len(res.Orders) != 1 || res.Orders[0].Address.Room != "1202" || res.Orders[0].Number != 0 {
		t.Errorf("outside a 接龙: %+v", res)
	}
	res = ParseText(cat, "501、蔬菜包2份", c)
	if len(res.Rejected) != 1 || res.Rejected[0].Number != 501 {
		t.Errorf("three digits outside a 接龙: %+v", res)
	}
	res = ParseText(cat, "#接龙 6栋2单元\n1201. 501 鸡蛋1盒\n1202、鸡蛋1盒", c)
	if len(res.Orders) != 1 || res.Orders[0].Number != 1201 || len(res.Rejected) != 1 || res.Rejected[0].Number != 1202 {
		t.Errorf("in a 接龙: %+v", res)
	}
}
