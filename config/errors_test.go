package config

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const good = "wechat: {app_id: wx1, app_secret: s, token: t}\nadmin: {token: 0123456789abcdef}\ncommunity:\n  id: c1\n  grids:\n    - id: G1\n      buildings: [\"3\"]\n"

// TestErrorsNameKeyLineOrVariable: unknown keys at any depth, durations,
// ports and numbers of the wrong kind name the key path and line; a
// wrong value from the environment names the variable.
func TestErrorsNameKeyLineOrVariable(t *testing.T) {
	for _, c := range []struct {
		name, yaml string
		env        map[string]string
		want       []string
	}{
		{"nested unknown key", good + "      volunteer: [v1]\n", nil,
			[]string{"community.grids[0].volunteer (line 8): unknown key (did you mean volunteers?)"}},
		{"unknown key in a building", strings.Replace(good, `["3"]`, `[{id: "3", unit: 4}]`, 1), nil,
			[]string{"community.grids[0].buildings[0].unit (line 7): unknown key (did you mean units?)"}},
		{"letters swapped", "htpt: {addr: x}\n" + good, nil, []string{"htpt (line 1): unknown key (did you mean http?)"}},
		{"far from any key", "zzzzzzzz: 1\n" + good, nil, []string{"zzzzzzzz (line 1): unknown key (known keys: admin, asr, catalog, communities, community"}},
		{"bad duration", good + "  urgent_claim: 30x\n", nil,
			[]string{"community.urgent_claim (line 8): \"30x\" is not a duration such as 30m"}},
		{"bad number", "http: {max_body_bytes: lots}\n" + good, nil,
			[]string{"http.max_body_bytes (line 1): \"lots\" is not a whole number"}},
		{"a fraction for a whole number", "limits: {messages_per_minute: 2.5}\n" + good, nil,
			[]string{"limits.messages_per_minute (line 1): \"2.5\" is not a whole number"}},
		{"bad port", "http: {addr: \"127.0.0.1:99999\"}\n" + good, nil,
			[]string{"http.addr (line 1): \"127.0.0.1:99999\" has port \"99999\": not a number from 1 to 65535"}},
		{"no port", "http: {addr: localhost}\n" + good, nil,
			[]string{"http.addr (line 1): \"localhost\" is not host:port"}},
		{"bad redis port", "redis: {url: \"redis://127.0.0.1:70000/0\"}\n" + good, nil,
			[]string{"redis.url (line 1): \"redis://127.0.0.1:70000/0\": port \"70000\""}},
		{"port from env", good, map[string]string{"BAOGONG_HTTP_ADDR": "0.0.0.0:http"},
			[]string{"http.addr (from BAOGONG_HTTP_ADDR): \"0.0.0.0:http\" has port \"http\""}},
		{"redis addrs from env", good, map[string]string{"BAOGONG_REDIS_ADDRS": "10.0.0.1:7000,10.0.0.2"},
			[]string{"redis.addrs[1] (from BAOGONG_REDIS_ADDRS): \"10.0.0.2\" is not host:port"}},
		{"timezone from env", good, map[string]string{"BAOGONG_TIMEZONE": "Mars/Olympus"},
			[]string{"timezone (from BAOGONG_TIMEZONE): \"Mars/Olympus\" is not a time zone"}},
		{"number from env", good, map[string]string{"BAOGONG_LIMITS_MESSAGES_PER_MINUTE": "many"},
			[]string{"limits.messages_per_minute (from BAOGONG_LIMITS_MESSAGES_PER_MINUTE): \"many\" is not a whole number"}},
		{"token from env", good, map[string]string{"BAOGONG_ADMIN_TOKEN": "short"},
			[]string{"admin.token (from BAOGONG_ADMIN_TOKEN): must be at least 16"}},
		{"negative units", strings.Replace(good, `["3"]`, `[{id: "3", units: -1}]`, 1), nil,
			[]string{"community.grids[0].buildings[0].units (line 7): must be the number of units"}},
		{"household outside the shape", strings.Replace(good, `["3"]`, `[{id: "3", units: 2, floors: 6}]`, 1) + "      households: [3-4-101, 3-1-901]\n", nil,
			[]string{`community.grids[0].households[0] (line 8): "3-4-101": 3栋只有2个单元，没有4单元`, `community.grids[0].households[1] (line 8): "3-1-901": 3栋只有6层，没有9楼`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.yaml), func(k string) string { return c.env[k] })
			for _, w := range c.want {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("error:\n%v\nwant %q", err, w)
				}
			}
		})
	}
}

// TestBuildingShapes: a grid's buildings are numbers or numbers with
// their shape, side by side.
func TestBuildingShapes(t *testing.T) {
	y := strings.Replace(good, `["3"]`, `["3", {id: "5", units: 4, floors: 25}, {id: "8"}]`, 1)
	c, err := Parse([]byte(y), func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	got := c.Community.Grids[0].Buildings
	if len(got) != 3 || got[0] != (Building{ID: "3"}) || got[1] != (Building{ID: "5", Units: 4, Floors: 25}) || got[2] != (Building{ID: "8"}) {
		t.Errorf("buildings %+v", got)
	}
	if ids := c.Community.Grids[0].BuildingIDs(); strings.Join(ids, ",") != "3,5,8" {
		t.Errorf("ids %v", ids)
	}
	if _, err := Parse([]byte(strings.Replace(good, `["3"]`, `[[3]]`, 1)), func(string) string { return "" }); err == nil || !strings.Contains(err.Error(), "a building is its number") {
		t.Errorf("a list as a building: %v", err)
	}
}

// TestCheckEnv: a misspelt BAOGONG_* variable is refused, naming the one
// meant; the variables baogong reads, and other programs', pass.
func TestCheckEnv(t *testing.T) {
	for _, c := range []struct {
		environ []string
		want    string
	}{
		{[]string{"PATH=/bin", "BAOGONG_REDIS_URL=redis://x:6379/0", "BAOGONG_REQUIRE_REDIS=1", "BAOGONG_TEST_CLOCK_I_KNOW=1"}, ""},
		{[]string{"BAOGONG_REDIS_ULR=redis://x:6379/0"}, "environment variable BAOGONG_REDIS_ULR is not one baogong reads: did you mean BAOGONG_REDIS_URL?"},
		{[]string{"BAOGONG_ADMIN_TOKN=x"}, "did you mean BAOGONG_ADMIN_TOKEN?"},
		{[]string{"BAOGONG_HTTP_PORT=8080"}, "did you mean BAOGONG_HTTP_ADDR?"},
		{[]string{"BAOGONG_COLOUR=blue"}, "environment variable BAOGONG_COLOUR is not one baogong reads (it reads BAOGONG_HTTP_ADDR, "},
	} {
		err := CheckEnv(c.environ)
		if (c.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.want)) {
			t.Errorf("CheckEnv(%q) = %v, want %q", c.environ, err, c.want)
		}
	}
}

// TestEveryVariableIsKnown: every BAOGONG_* name the repository's code,
// scripts and example files use is one CheckEnv allows, so a test or a
// deployer that sets it is never refused. (Docs may show a misspelt one.)
func TestEveryVariableIsKnown(t *testing.T) {
	name := regexp.MustCompile(`BAOGONG_[A-Z0-9_]*[A-Z0-9]`)
	found := map[string]string{}
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		// Tests spell names wrong on purpose.
		code := (strings.HasSuffix(d.Name(), ".go") && !strings.HasSuffix(d.Name(), "_test.go")) ||
			strings.HasSuffix(d.Name(), ".yaml") || strings.HasSuffix(d.Name(), ".yml") ||
			d.Name() == "Dockerfile" || filepath.Base(filepath.Dir(path)) == "scripts"
		if d.IsDir() || !code {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.IndexByte(data, 0) >= 0 {
			return nil // a binary (a built baogong)
		}
		for _, n := range name.FindAllString(string(data), -1) {
			found[n] = path
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) < 10 {
		t.Fatalf("found only %v", found)
	}
	for n, path := range found {
		if err := CheckEnv([]string{n + "=x"}); err != nil {
			t.Errorf("%s (in %s): %v: add it to Overrides or Others", n, path, err)
		}
	}
}

// TestSource: where a value came from, for errors that say what to change.
func TestSource(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "baogong.yaml")
	os.WriteFile(path, []byte("redis: {url: \"redis://127.0.0.1:6390/0\"}\n"+good), 0o644)
	env := map[string]string{"BAOGONG_HTTP_ADDR": "127.0.0.1:9999"}
	c, err := Load(path, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{
		"redis.url": "redis.url in baogong.yaml (line 1)",
		"http.addr": "from BAOGONG_HTTP_ADDR",
		"timezone":  "the default (baogong.yaml sets no timezone)",
	} {
		if got := c.Source(key); got != want {
			t.Errorf("Source(%s) = %q, want %q", key, got, want)
		}
	}
}
