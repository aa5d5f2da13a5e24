// Package yamlpath names places in a YAML file the way an operator reads
// them: key paths such as community.grids[1].buildings[0], with their
// lines. The config and the catalog use it so that every error says which
// key is wrong and where.
package yamlpath

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/baogong/baogong/internal/suggest"
)

// Index maps the key paths of one YAML document to their lines, and its
// scalar values to their paths.
type Index struct {
	keys   map[string]int
	values map[int][]scalar // by line
}

type scalar struct {
	path, value string
}

// New indexes the document under root (as yaml.Unmarshal fills a Node).
func New(root *yaml.Node) *Index {
	x := &Index{keys: map[string]int{}, values: map[int][]scalar{}}
	if root != nil && len(root.Content) > 0 {
		x.walk("", root.Content[0])
	}
	return x
}

func (x *Index) walk(path string, n *yaml.Node) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			p := join(path, n.Content[i].Value)
			x.keys[p] = n.Content[i].Line
			x.walk(p, n.Content[i+1])
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			x.keys[p] = c.Line
			x.walk(p, c)
		}
	case yaml.ScalarNode:
		x.values[n.Line] = append(x.values[n.Line], scalar{path, n.Value})
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// Line returns the line of a key path.
func (x *Index) Line(path string) (int, bool) {
	n, ok := x.keys[path]
	return n, ok
}

// At returns " (line N)" for a key path in the file, or "" for one that
// is not (a default, or the environment's).
func (x *Index) At(path string) string {
	if n, ok := x.keys[path]; ok {
		return fmt.Sprintf(" (line %d)", n)
	}
	return ""
}

// Check walks the document under root beside the type t (a struct whose
// fields have yaml tags) and reports every key t has no field for
// ("comunity (line 5): unknown key (did you mean community?)"), and every
// number with a fraction where t wants a whole one, which yaml.v3 would
// silently cut ("price_fen (line 9): "12.5" is not a whole number"). A
// field whose type reads itself (yaml.Unmarshaler) is walked as its struct
// when it is written as a mapping.
func Check(root *yaml.Node, t reflect.Type) []error {
	var errs []error
	if root != nil && len(root.Content) > 0 {
		check("", root.Content[0], t, &errs)
	}
	return errs
}

func check(path string, n *yaml.Node, t reflect.Type, errs *[]error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case n.Kind == yaml.ScalarNode && n.Tag == "!!float" && isInt(t.Kind()):
		*errs = append(*errs, fmt.Errorf("%s (line %d): %q %s", path, n.Line, n.Value, expected("int")))
	case n.Kind == yaml.AliasNode && n.Alias != nil:
		check(path, n.Alias, t, errs)
	case n.Kind == yaml.MappingNode && t.Kind() == reflect.Struct && t != reflect.TypeOf(time.Time{}):
		fields := map[string]reflect.Type{}
		var names []string
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if name == "-" || !f.IsExported() {
				continue
			}
			if name == "" {
				name = strings.ToLower(f.Name)
			}
			fields[name] = f.Type
			names = append(names, name)
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			ft, ok := fields[k.Value]
			if !ok {
				*errs = append(*errs, fmt.Errorf("%s (line %d): unknown key%s", join(path, k.Value), k.Line, hint(k.Value, names)))
				continue
			}
			check(join(path, k.Value), n.Content[i+1], ft, errs)
		}
	case n.Kind == yaml.MappingNode && t.Kind() == reflect.Map:
		for i := 0; i+1 < len(n.Content); i += 2 {
			check(join(path, n.Content[i].Value), n.Content[i+1], t.Elem(), errs)
		}
	case n.Kind == yaml.SequenceNode && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array):
		for i, c := range n.Content {
			check(fmt.Sprintf("%s[%d]", path, i), c, t.Elem(), errs)
		}
	}
}

func isInt(k reflect.Kind) bool {
	switch k {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	}
	return false
}

// hint suggests the known key a misspelt one most looks like (see
// suggest.Closest), or lists the known keys.
func hint(key string, known []string) string {
	if best, ok := suggest.Closest(key, known); ok {
		return " (did you mean " + best + "?)"
	}
	sort.Strings(known)
	return " (known keys: " + strings.Join(known, ", ") + ")"
}

// typeError matches one of yaml.v3's decoding errors.
var typeError = regexp.MustCompile("^line (\\d+): cannot unmarshal !!(\\w+) `(.*)` into (\\S+)$")

// Explain rewrites yaml.v3's decoding errors (line 4: cannot unmarshal
// !!str `abc` into int64) as the key path, its line and what the value
// should be: http.max_body_bytes (line 4): "abc" is not a whole number.
// Other errors come back as they are.
func (x *Index) Explain(err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return err
	}
	out := make([]error, 0, len(te.Errors))
	for _, msg := range te.Errors {
		m := typeError.FindStringSubmatch(msg)
		if m == nil {
			out = append(out, errors.New(msg))
			continue
		}
		line, _ := strconv.Atoi(m[1])
		path := "?"
		for _, v := range x.values[line] {
			if v.value == m[3] {
				path = v.path
				break
			}
		}
		out = append(out, fmt.Errorf("%s (line %d): %q %s", path, line, m[3], expected(m[4])))
	}
	return errors.Join(out...)
}

// expected says in words what a Go type wants.
func expected(goType string) string {
	switch goType {
	case "time.Duration":
		return "is not a duration such as 30m, 1h or 90s"
	case "int", "int64", "int32", "uint", "uint64", "uint32":
		return "is not a whole number"
	case "bool":
		return "is not true or false"
	case "string":
		return "is not a text (put it in quotes)"
	}
	if strings.HasPrefix(goType, "[]") {
		return "is not a list (write [a, b] or one item per line starting with -)"
	}
	return "cannot be read here (" + goType + ")"
}
