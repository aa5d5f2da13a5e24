package catalog

import (
	"os"
	"strings"
	"testing"
)

// TestParseNamesKeyAndLine: a price that is not whole fen, and a misspelt
// key, are refused with the key path and line.
func TestParseNamesKeyAndLine(t *testing.T) {
	const head = "suppliers: [{id: s, name: S, kind: supermarket}]\nitems:\n"
	for _, c := range []struct{ yaml, want string }{
		{head + "  - {sku: EGG, name: 鸡蛋, unit: 盒, price_fen: 12.5, supplier: s}\n", `items[0].price_fen (line 3): "12.5" is not a whole number`},
		{head + "  - {sku: EGG, name: 鸡蛋, unit: 盒, price_fen: \"30元\", supplier: s}\n", `items[0].price_fen (line 3): "30元" is not a whole number`},
		{head + "  - {sku: EGG, name: 鸡蛋, unit: 盒, price_fen: 3000, limit_per_housold: 2}\n", `items[0].limit_per_housold (line 3): unknown key (did you mean limit_per_household?)`},
	} {
		if _, err := Parse([]byte(c.yaml)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.yaml, err, c.want)
		}
	}
}

// TestExampleCatalogShowsEveryKind: the example catalog parses and has
// plain goods, prescription, urgent and free-only items.
func TestExampleCatalogShowsEveryKind(t *testing.T) {
	c, _ := exampleCatalog(t)
	var rx, urgent, free, plain bool
	for _, it := range c.Items {
		rx, urgent, free = rx || it.Rx, urgent || it.Urgent, free || it.FreeOnly
		plain = plain || (!it.Rx && !it.Urgent && !it.FreeOnly)
	}
	if !rx || !urgent || !free || !plain {
		t.Errorf("example catalog: rx %v, urgent %v, free_only %v, plain %v", rx, urgent, free, plain)
	}
}

// TestExampleCatalogPlaceholders: the example names each supplier's
// contact with a placeholder the service warns about (with its line and
// what to write) and ignores, so nothing is sent to it.
func TestExampleCatalogPlaceholders(t *testing.T) {
	c, data := exampleCatalog(t)
	w := c.Warnings()
	if len(w) != 2 || !strings.Contains(w[0], "supplier 1 (line ") || !strings.Contains(w[0], `contact_openid "换成超市联系人的openid" is not an openid`) ||
		!strings.Contains(w[0], "我是谁") {
		t.Errorf("warnings %q", w)
	}
	for _, s := range c.Suppliers {
		if s.ContactOpenID != "" {
			t.Errorf("supplier %s keeps the placeholder %q", s.ID, s.ContactOpenID)
		}
	}
	fixed := strings.ReplaceAll(strings.ReplaceAll(string(data), "换成超市联系人的openid", "oShop_123"), "换成药房联系人的openid", "oPharm-9")
	if c, err := Parse([]byte(fixed)); err != nil || len(c.Warnings()) != 0 || c.SupplierOf("oShop_123") != "sm-xinyi" {
		t.Errorf("with real openids: %v %q", err, c.Warnings())
	}
}

// exampleCatalog parses catalog.example.yaml, returning it and its text.
func exampleCatalog(t *testing.T) (*Catalog, []byte) {
	t.Helper()
	data, err := os.ReadFile("../catalog.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return c, data
}
