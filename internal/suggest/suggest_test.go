package suggest

import "testing"

func TestClosest(t *testing.T) {
	keys := []string{"name", "unit", "price_fen", "stock", "limit_per_household", "supplier", "aliases"}
	jobs := []string{"cutoff", "picklist", "roster", "urgent", "bindings", "restock"}
	env := []string{"BAOGONG_REDIS_URL", "BAOGONG_REDIS_ADDRS", "BAOGONG_HTTP_ADDR", "BAOGONG_ADMIN_TOKEN"}
	for _, c := range []struct {
		word  string
		known []string
		want  string
	}{
		{"nane", keys, "name"}, // a letter changed
		{"mame", keys, "name"}, // the first letter changed
		{"uint", keys, "unit"}, // two swapped
		{"prise_fen", keys, "price_fen"},
		{"stok", keys, "stock"}, // one dropped
		{"limit_per_housold", keys, "limit_per_household"},
		{"suppliers", keys, "supplier"}, // one added
		{"cutof", jobs, "cutoff"},
		{"rostr", jobs, "roster"},
		{"pick", jobs, "picklist"}, // a start
		{"BAOGONG_REDIS_ULR", env, "BAOGONG_REDIS_URL"},
		{"BAOGONG_REDIS_ADDR", env, "BAOGONG_REDIS_ADDRS"},
		{"baogong_http_addr", env, "BAOGONG_HTTP_ADDR"},
		{"BAOGONG_ADMIN_TOKN", env, "BAOGONG_ADMIN_TOKEN"},
		{"zzzzzzzz", keys, ""},
		{"x", jobs, ""},
		{"category", keys, ""},
	} {
		got, ok := Closest(c.word, c.known)
		if ok != (c.want != "") || (ok && got != c.want) {
			t.Errorf("Closest(%q) = %q, %v; want %q", c.word, got, ok, c.want)
		}
	}
}
