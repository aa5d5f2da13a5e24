package zh

import (
	"testing"
	"unicode/utf8"
)

func TestFold(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"bind building unit room", "綁定8棟1單元101", "绑定8栋1单元101"},
		{"eggs two boxes", "雞蛋兩盒", "鸡蛋两盒"},
		{"noodles", "麵條", "面条"},
		{"medicine", "藥", "药"},
		{"building number", "號樓", "号楼"},
		{"resolved chain", "薴", "苎"},
		{"full-width digits and dash", "３－２－５０１", "3-2-501"},
		{"full-width letters lower-cased", "ＡＢｃ", "abc"},
		{"ascii upper-cased", "Hello WORLD", "hello world"},
		{"ideographic space", "三号楼\u3000二单元", "三号楼 二单元"},
		{"dashes", "3—2–1‐0−9", "3-2-1-0-9"},
		{"full-width hash and parens", "＃（备注）", "#(备注)"},
		{"full-width bang and question", "好！吗？", "好!吗?"},
		{"times sign kept", "2×3", "2×3"},
		{"chinese punctuation kept", "你好，我、他；说：好。", "你好，我、他；说：好。"},
		{"emoji kept", "👍🏻🎉 谢谢", "👍🏻🎉 谢谢"},
		{"simplified kept", "我要买鸡蛋两盒", "我要买鸡蛋两盒"},
		{"empty", "", ""},
		{"invalid utf8 kept", "a\xffＢ\xe4\xb8", "a\xffb\xe4\xb8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Fold(tt.in)
			if got != tt.want {
				t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if n, m := utf8.RuneCountInString(tt.in), utf8.RuneCountInString(got); n != m {
				t.Errorf("Fold(%q): rune count %d, want %d", tt.in, m, n)
			}
			if again := Fold(got); again != got {
				t.Errorf("Fold not idempotent: Fold(%q) = %q", got, again)
			}
		})
	}
}

func TestFoldNoAllocWhenCanonical(t *testing.T) {
	s := "绑定8栋1单元101，谢谢👍"
	if allocs := testing.AllocsPerRun(100, func() { _ = Fold(s) }); allocs != 0 {
		t.Errorf("Fold of canonical input allocated %v times", allocs)
	}
}

// TestTable checks the invariants the generator promises, so a hand edit
// or a generator bug shows up here rather than as a subtle Fold bug.
func TestTable(t *testing.T) {
	tab := t2sTable()
	if len(tab) != t2sCount {
		t.Fatalf("decoded %d pairs, want %d", len(tab), t2sCount)
	}
	if tab[0].from != t2sMin || tab[len(tab)-1].from != t2sMax {
		t.Errorf("bounds = %U..%U, want %U..%U", tab[0].from, tab[len(tab)-1].from, rune(t2sMin), rune(t2sMax))
	}
	for i, p := range tab {
		if i > 0 && tab[i-1].from >= p.from {
			t.Fatalf("table not strictly sorted at %d: %U then %U", i, tab[i-1].from, p.from)
		}
		if p.from == p.to {
			t.Errorf("identity entry %U", p.from)
		}
		if got := simplify(p.to); got != p.to {
			t.Errorf("chain %q → %q → %q", p.from, p.to, got)
		}
		if got := simplify(p.from); got != p.to {
			t.Errorf("simplify(%q) = %q, want %q", p.from, got, p.to)
		}
	}
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{
		"綁定8棟1單元101", "３－２－５０１", "ＡＢｃ", "👍🏻", "a\xffb", "\xe4\xb8", "鸡蛋兩盒\u3000Ｘ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Fold(s)
		if n, m := utf8.RuneCountInString(s), utf8.RuneCountInString(got); n != m {
			t.Errorf("Fold(%q) = %q: rune count %d, want %d", s, got, m, n)
		}
		if again := Fold(got); again != got {
			t.Errorf("Fold(Fold(%q)) = %q, want %q", s, again, got)
		}
	})
}

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in     string
		want   int
		wantOK bool
	}{
		{"0", 0, true},
		{"2", 2, true},
		{"12", 12, true},
		{"0501", 501, true},
		{"1000000", 1000000, true},
		{"十", 10, true},
		{"十二", 12, true},
		{"二十", 20, true},
		{"二十三", 23, true},
		{"一十二", 12, true},
		{"一百零五", 105, true},
		{"一百〇五", 105, true},
		{"一百一十五", 115, true},
		{"两百", 200, true},
		{"两", 2, true},
		{"兩", 2, true},
		{"俩", 2, true},
		{"倆", 2, true},
		{"零", 0, true},
		{"五零一", 501, true},
		{"一〇二", 102, true},
		{"幺零一", 101, true},
		{"三千零一", 3001, true},
		{"一千零五十", 1050, true},
		{"九千九百九十九", 9999, true},
		{"一百五", 150, true},
		{"两千三", 2300, true},
		{"廿", 20, true},
		{"廿三", 23, true},
		{"壹佰贰拾", 120, true},
		{"拾", 10, true},
		{"", 0, false},
		{"abc", 0, false},
		{"二十x", 0, false},
		{"-1", 0, false},
		{"1百", 0, false},
		{"1000001", 0, false},
		{"99999999999999999999999", 0, false},
		{"一二三四五六七八", 0, false},
		{"百百", 0, false},
		{"十百", 0, false},
		{"百", 0, false},
		{"一百零", 0, false},
		{"零十", 0, false},
		{"一百零零五", 0, false},
		{"一百零五十", 0, false},
		{"二廿", 0, false},
		{"十五六", 0, false},
		{"１２", 0, false},
		{"十 二", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := ParseNumber(tt.in)
			if ok != tt.wantOK || (ok && got != tt.want) {
				t.Errorf("ParseNumber(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestIsDigitRune(t *testing.T) {
	for _, r := range "0123456789零〇一二三四五六七八九十百千两兩俩倆壹贰叁肆伍陆柒捌玖拾佰仟廿幺" {
		if !IsDigitRune(r) {
			t.Errorf("IsDigitRune(%q) = false, want true", r)
		}
		if _, ok := ParseNumber(string(r)); !ok && r != '百' && r != '千' && r != '佰' && r != '仟' {
			t.Errorf("ParseNumber(%q) failed although IsDigitRune is true", r)
		}
	}
	for _, r := range "aA-x万 ，１号" {
		if IsDigitRune(r) {
			t.Errorf("IsDigitRune(%q) = true, want false", r)
		}
	}
}

var sink string

func BenchmarkFold(b *testing.B) {
	// About 60 runes of the kind residents send: traditional hanzi,
	// full-width digits, emoji and plain ASCII mixed together.
	const line = "您好！我是３號樓２單元５０１的住戶，想訂兩盒雞蛋和一袋麵條🙏，明天上午ABC送到嗎？謝謝"
	b.ReportAllocs()
	for b.Loop() {
		sink = Fold(line)
	}
}

func BenchmarkFoldCanonical(b *testing.B) {
	const line = "您好!我是3号楼2单元501的住户,想订两盒鸡蛋和一袋面条🙏,明天上午abc送到吗?谢谢"
	b.ReportAllocs()
	for b.Loop() {
		sink = Fold(line)
	}
}
