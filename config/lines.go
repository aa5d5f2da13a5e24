package config

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// lines maps a key path such as "community.grids[1].buildings" to its line
// in the file, so errors can point at it.
type lines map[string]int

func newLines(root *yaml.Node) lines {
	l := lines{}
	if len(root.Content) > 0 {
		l.walk("", root.Content[0])
	}
	return l
}

func (l lines) walk(path string, n *yaml.Node) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			p := n.Content[i].Value
			if path != "" {
				p = path + "." + p
			}
			l[p] = n.Content[i].Line
			l.walk(p, n.Content[i+1])
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			l[p] = c.Line
			l.walk(p, c)
		}
	}
}

// at returns " (line N)" for a key in the file, or "" for a key that came
// from defaults or the environment.
func (l lines) at(key string) string {
	if n, ok := l[key]; ok {
		return fmt.Sprintf(" (line %d)", n)
	}
	return ""
}
