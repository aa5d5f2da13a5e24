package orders

import "testing"

func TestMaskPhone(t *testing.T) {
	for in, want := range map[string]string{
		"":                "",
		"  ":              "",
		"13812345678":     "138****5678",
		"138 1234 5678":   "138****5678",
		"138-1234-5678":   "138****5678",
		"+86 13812345678": "138****5678",
		"8613812345678":   "138****5678",
		"021-62345678":    "021****5678",
		"110":             "****",
		"张三":              "****",
	} {
		if got := MaskPhone(in); got != want {
			t.Errorf("MaskPhone(%q) = %q, want %q", in, got, want)
		}
	}
}
