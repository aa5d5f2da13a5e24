// Package catalog holds what a community can order: items with their aliases,
// prices, stock and per-household limits, and the suppliers that provide them.
package catalog

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/baogong/baogong/internal/zh"
)

// Supplier kinds.
const (
	KindSupermarket = "supermarket"
	KindPharmacy    = "pharmacy"
)

// Supplier is a supply supermarket (保供超市) or a pharmacy.
type Supplier struct {
	ID            string `yaml:"id"`
	Name          string `yaml:"name"`
	Kind          string `yaml:"kind"`
	ContactOpenID string `yaml:"contact_openid"`
	// Payment is how households pay for this supplier's goods: cod (货到
	// 付款, the default), group (群收款, the lead collects) or code (to
	// the supplier's payment code, PaymentCode: the image's https URL,
	// sent with every order).
	Payment     string `yaml:"payment"`
	PaymentCode string `yaml:"payment_code"`
}

// Item is one orderable product.
type Item struct {
	SKU      string   `yaml:"sku"`
	Name     string   `yaml:"name"`
	Aliases  []string `yaml:"aliases"`
	Category string   `yaml:"category"`
	Unit     string   `yaml:"unit"`
	PriceFen int64    `yaml:"price_fen"`
	// Stock is the total quantity the community was allocated; nil means
	// unlimited. What is left is kept by the store, not here.
	Stock *int `yaml:"stock"`
	// LimitPerHousehold caps what one household may order per day
	// (Asia/Shanghai); 0 means no limit.
	LimitPerHousehold int    `yaml:"limit_per_household"`
	Supplier          string `yaml:"supplier"`
	// Rx items need a prescription (a photo, or a pharmacist's, lead's or
	// admin's approval) before they are packed.
	Rx bool `yaml:"rx"`
	// Urgent items (insulin) make an order urgent: it skips the queue and
	// is pushed to volunteers at once.
	Urgent bool `yaml:"urgent"`
	// FreeOnly items (政府蔬菜包) are handed out by distributions only:
	// nobody orders them.
	FreeOnly bool `yaml:"free_only"`
}

// Limited reports whether the item has a finite stock.
func (it *Item) Limited() bool { return it.Stock != nil }

// Catalog is a validated, indexed set of items and suppliers. It is
// read-only after New and safe for concurrent use.
type Catalog struct {
	Suppliers []Supplier
	Items     []Item

	bySKU map[string]*Item
	// byKey maps every normalised name and alias to its item; byFirst holds
	// the same keys by first rune, longest first, so a scan of a message
	// finds "蔬菜包" before "蔬菜" without trying every key.
	byKey   map[string]*Item
	byFirst map[rune][]string
	// warnings are what New found wrong that the service runs with.
	warnings []string
}

// openIDPattern is what a WeChat openid is made of.
var openIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// Warnings says what is wrong in the catalog without stopping the
// service: a supplier whose pick lists reach nobody on WeChat (no
// contact_openid, or one that is no openid, such as the example's
// placeholder, which is then ignored). Each names the supplier, its line
// when the catalog came from a file, and what to write.
func (c *Catalog) Warnings() []string { return c.warnings }

// New validates items and suppliers and builds the lookup index. Errors
// name the offending entry by its place in the list, counting from 1,
// e.g. `item 3 (sku EGG): alias "菜" is also a name or alias of item 1
// (sku VEG-A)`.
func New(suppliers []Supplier, items []Item) (*Catalog, error) {
	return build(suppliers, items, nil)
}

// build is New; line, when set, returns the line of a key path of the
// file the catalog came from (items[2]), for errors to name.
func build(suppliers []Supplier, items []Item, line func(path string) (int, bool)) (*Catalog, error) {
	c := &Catalog{
		Suppliers: slices.Clone(suppliers),
		Items:     items,
		bySKU:     make(map[string]*Item, len(items)),
		byKey:     make(map[string]*Item),
		byFirst:   make(map[rune][]string),
	}
	// entry names the i-th entry of list (items, suppliers) as people
	// count: item 5, with its line and what identifies it.
	entry := func(list, what string, i int, id string) string {
		var extra []string
		if line != nil {
			if n, ok := line(fmt.Sprintf("%ss[%d]", list, i)); ok {
				extra = append(extra, fmt.Sprintf("line %d", n))
			}
		}
		if id != "" {
			extra = append(extra, what+" "+id)
		}
		s := fmt.Sprintf("%s %d", list, i+1)
		if len(extra) > 0 {
			s += " (" + strings.Join(extra, ", ") + ")"
		}
		return s
	}
	supplierAt := make(map[string]int, len(suppliers))
	var errs []error
	for i, s := range suppliers {
		where := entry("supplier", "id", i, s.ID)
		if j, ok := supplierAt[s.ID]; ok && s.ID != "" {
			errs = append(errs, fmt.Errorf("%s: id is used twice: %s has it already", where, entry("supplier", "", j, "")))
		} else if s.ID == "" {
			errs = append(errs, fmt.Errorf("%s: id is empty", where))
		} else {
			supplierAt[s.ID] = i
		}
		if s.Kind != KindSupermarket && s.Kind != KindPharmacy {
			errs = append(errs, fmt.Errorf("%s: kind %q must be %s or %s", where, s.Kind, KindSupermarket, KindPharmacy))
		}
		const how = "write the openid of whoever receives its pick lists (备货单): they send 我是谁 to the official account and the reply has it"
		switch {
		case s.ContactOpenID == "":
			c.warnings = append(c.warnings, fmt.Sprintf("%s has no contact_openid: its pick lists reach nobody on WeChat; %s", where, how))
		case !openIDPattern.MatchString(s.ContactOpenID):
			c.warnings = append(c.warnings, fmt.Sprintf("%s: contact_openid %q is not an openid (letters, digits, - and _), so it is ignored and the pick lists reach nobody on WeChat; %s",
				where, s.ContactOpenID, how))
			c.Suppliers[i].ContactOpenID = ""
		}
		switch s.Payment {
		case "", "cod", "group":
		case "code":
			if !strings.HasPrefix(s.PaymentCode, "https://") && !strings.HasPrefix(s.PaymentCode, "http://") {
				errs = append(errs, fmt.Errorf("%s: payment code needs payment_code, the URL of the code's image", where))
			}
		default:
			errs = append(errs, fmt.Errorf("%s: payment %q must be cod (货到付款), group (群收款) or code (收款码)", where, s.Payment))
		}
	}
	itemAt := make(map[*Item]int, len(items))
	for i := range c.Items {
		it := &c.Items[i]
		itemAt[it] = i
		where := entry("item", "sku", i, it.SKU)
		switch prev := c.bySKU[it.SKU]; {
		case it.SKU == "":
			errs = append(errs, fmt.Errorf("%s: sku is empty", where))
		case strings.ContainsAny(it.SKU, " :{}"):
			errs = append(errs, fmt.Errorf("%s: sku must not contain spaces, ':' or braces", where))
		case prev != nil:
			errs = append(errs, fmt.Errorf("%s: sku is used twice: %s has it already", where, entry("item", "", itemAt[prev], "")))
		default:
			c.bySKU[it.SKU] = it
		}
		if it.Name == "" {
			errs = append(errs, fmt.Errorf("%s: name is empty", where))
		}
		if it.Unit == "" {
			errs = append(errs, fmt.Errorf("%s: unit is empty", where))
		}
		if it.PriceFen < 0 {
			errs = append(errs, fmt.Errorf("%s: price_fen %d is negative", where, it.PriceFen))
		}
		if it.Stock != nil && *it.Stock < 0 {
			errs = append(errs, fmt.Errorf("%s: stock %d is negative", where, *it.Stock))
		}
		if it.LimitPerHousehold < 0 {
			errs = append(errs, fmt.Errorf("%s: limit_per_household %d is negative", where, it.LimitPerHousehold))
		}
		if _, ok := supplierAt[it.Supplier]; it.Supplier != "" && len(suppliers) > 0 && !ok {
			errs = append(errs, fmt.Errorf("%s: supplier %q is not in suppliers", where, it.Supplier))
		}
		for _, name := range append([]string{it.Name}, it.Aliases...) {
			key := Normalize(name)
			if key == "" {
				errs = append(errs, fmt.Errorf("%s: name or alias %q has no letters", where, name))
				continue
			}
			if prev := c.byKey[key]; prev != nil && prev != it {
				errs = append(errs, fmt.Errorf("%s: alias %q is also a name or alias of %s", where, name, entry("item", "sku", itemAt[prev], prev.SKU)))
				continue
			}
			if c.byKey[key] == nil {
				first := []rune(key)[0]
				c.byFirst[first] = append(c.byFirst[first], key)
			}
			c.byKey[key] = it
		}
	}
	if len(c.Items) == 0 {
		errs = append(errs, errors.New("items: the catalog has no items"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	for _, keys := range c.byFirst {
		sort.Slice(keys, func(i, j int) bool {
			if li, lj := len(keys[i]), len(keys[j]); li != lj {
				return li > lj // longest first: 蔬菜包 before 蔬菜
			}
			return keys[i] < keys[j]
		})
	}
	return c, nil
}

// Normalize folds a name the way Lookup compares names: traditional to
// simplified, full-width to half-width, lower case, without spaces and
// punctuation.
func Normalize(s string) string {
	s = zh.Fold(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Item returns the item with that SKU.
func (c *Catalog) Item(sku string) (*Item, bool) {
	it, ok := c.bySKU[sku]
	return it, ok
}

// Lookup finds an item by its name or any alias, after Normalize.
func (c *Catalog) Lookup(name string) (*Item, bool) {
	it, ok := c.byKey[Normalize(name)]
	return it, ok
}

// MatchAt returns the item whose name or alias is the longest prefix of
// folded text s (already passed through zh.Fold) and the prefix length in
// runes, or nil and 0.
func (c *Catalog) MatchAt(s []rune) (*Item, int) {
	if len(s) == 0 {
		return nil, 0
	}
	for _, key := range c.byFirst[s[0]] {
		if hasPrefix(s, key) {
			return c.byKey[key], utf8.RuneCountInString(key)
		}
	}
	return nil, 0
}

// Supplier returns the supplier with that id.
func (c *Catalog) Supplier(id string) (*Supplier, bool) {
	for i := range c.Suppliers {
		if c.Suppliers[i].ID == id {
			return &c.Suppliers[i], true
		}
	}
	return nil, false
}

// SupplierOf returns the id of the supplier whose contact openid is, ""
// for none.
func (c *Catalog) SupplierOf(openid string) string {
	for _, s := range c.Suppliers {
		if s.ContactOpenID != "" && s.ContactOpenID == openid {
			return s.ID
		}
	}
	return ""
}

func hasPrefix(s []rune, key string) bool {
	i := 0
	for _, r := range key {
		if i >= len(s) || s[i] != r {
			return false
		}
		i++
	}
	return true
}
