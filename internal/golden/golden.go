// Package golden checks texts people read (bot replies, notices, pages)
// against files in testdata, one file a text, so a reviewer reads them in
// one folder; go test -update rewrites the files from the code.
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

// Update is the test binary's -update flag: rewrite the golden files.
var Update = flag.Bool("update", false, "rewrite the testdata/…/*.golden files from the code (then read the diff)")

// Texts checks each text against dir/<name>.golden (or, with -update,
// writes it there). A text longer than maxRunes (0: no bound) fails: what
// is read on a phone is kept short.
func Texts(t *testing.T, dir string, texts map[string]string, maxRunes int) {
	t.Helper()
	if *Update {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name, text := range texts {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name+".golden")
			if *Update {
				if err := os.WriteFile(path, []byte(text+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run the test with -update, and read the diff)", err)
			}
			if text+"\n" != string(want) {
				t.Errorf("%s changed:\n--- got\n%s\n--- want\n%s", name, text, want)
			}
			if n := len([]rune(text)); maxRunes > 0 && n > maxRunes {
				t.Errorf("%s is %d characters, more than %d", name, n, maxRunes)
			}
		})
	}
}
