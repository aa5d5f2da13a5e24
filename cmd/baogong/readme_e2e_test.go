package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/baogong/baogong/config"
	"github.com/baogong/baogong/internal/redistest"
)

// The README's sh blocks, each with the marker right before it: a block
// is run by the test that names it (<!-- run: NAME … -->, readmeBlock(t,
// "NAME") in this package's tests), or excluded with its reason
// (<!-- not run: … -->). TestReadmeBlocksAreRunOrExcluded fails on a
// block with neither, so a new command cannot enter the README unchecked.

// readmeSh is one ```sh block of the README.
type readmeSh struct {
	line   int    // 1-based line of its opening fence
	marker string // the HTML comment right before it, "" for none
	body   string // its lines, list indentation taken off
}

var (
	readmeFence  = regexp.MustCompile("^( *)```(\\w*)\\s*$")
	readmeMarker = regexp.MustCompile(`^\s*<!--\s*(.*?)\s*-->\s*$`)
	readmeRunArg = regexp.MustCompile(`^run:\s*([\w-]+)`)
)

// readmeShBlocks reads every ```sh block of README.md.
func readmeShBlocks(t *testing.T) []readmeSh {
	t.Helper()
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	var out []readmeSh
	for i := 0; i < len(lines); i++ {
		m := readmeFence.FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		indent, lang := m[1], m[2]
		start := i
		var body []string
		for i++; i < len(lines) && strings.TrimSpace(lines[i]) != "```"; i++ {
			body = append(body, strings.TrimPrefix(lines[i], indent))
		}
		if lang != "sh" {
			continue
		}
		b := readmeSh{line: start + 1, body: strings.Join(body, "\n")}
		if start > 0 {
			if mm := readmeMarker.FindStringSubmatch(lines[start-1]); mm != nil {
				b.marker = mm[1]
			}
		}
		out = append(out, b)
	}
	return out
}

// readmeBlock is the sh block marked <!-- run: name … -->.
func readmeBlock(t *testing.T, name string) string {
	t.Helper()
	for _, b := range readmeShBlocks(t) {
		if m := readmeRunArg.FindStringSubmatch(b.marker); m != nil && m[1] == name {
			return b.body
		}
	}
	t.Fatalf("README has no sh block marked <!-- run: %s -->", name)
	return ""
}

// TestReadmeBlocksAreRunOrExcluded: every sh block of the README is
// marked, each "run:" name is read by a test of this package, and no two
// blocks share a name.
func TestReadmeBlocksAreRunOrExcluded(t *testing.T) {
	var sources strings.Builder
	files, _ := filepath.Glob("*_test.go")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sources.Write(data)
	}
	seen := map[string]int{}
	blocks := readmeShBlocks(t)
	if len(blocks) == 0 {
		t.Fatal("README has no sh block: the reader is broken")
	}
	for _, b := range blocks {
		switch m := readmeRunArg.FindStringSubmatch(b.marker); {
		case m != nil:
			name := m[1]
			if l, ok := seen[name]; ok {
				t.Errorf("README line %d: <!-- run: %s --> is also the block of line %d", b.line, name, l)
			}
			seen[name] = b.line
			if !strings.Contains(sources.String(), fmt.Sprintf("readmeBlock(t, %q)", name)) {
				t.Errorf("README line %d: <!-- run: %s --> but no test calls readmeBlock(t, %q)", b.line, name, name)
			}
		case strings.HasPrefix(b.marker, "not run:") && len(strings.TrimSpace(strings.TrimPrefix(b.marker, "not run:"))) > 0:
		default:
			t.Errorf("README line %d: an sh block without <!-- run: NAME --> (a test runs it) or <!-- not run: why --> right before it:\n%s", b.line, b.body)
		}
	}
}

// readmeCommand finds a baogong subcommand and what follows it on a line
// or in an inline code span: baogong X, ./baogong X, /tmp/baogong X,
// go run ./cmd/baogong X.
var readmeCommand = regexp.MustCompile(`(?:^|[\s/(])baogong ([a-z][a-z-]*)((?: +[^\s|#;&)` + "`" + `]+)*)`)

// TestReadmeCommandsExist: every baogong subcommand the README names, in
// an sh block or an inline code span, is one the binary has, and every
// --flag given to it is one of its flags.
func TestReadmeCommandsExist(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var snippets []string
	for _, b := range readmeShBlocks(t) {
		for _, l := range strings.Split(b.body, "\n") {
			l, _, _ = strings.Cut(l, " # ")
			snippets = append(snippets, l)
		}
	}
	for _, m := range regexp.MustCompile("`([^`\n]+)`").FindAllStringSubmatch(string(data), -1) {
		snippets = append(snippets, m[1])
	}
	bin := buildBinary(t)
	flagsOf := map[string][]string{}
	flagLine := regexp.MustCompile(`(?m)^\s+-([a-z][a-z-]*)`)
	known := func(sub string) []string {
		if f, ok := flagsOf[sub]; ok {
			return f
		}
		out, _ := exec.Command(bin, sub, "-h").CombinedOutput()
		var f []string
		for _, m := range flagLine.FindAllStringSubmatch(string(out), -1) {
			f = append(f, m[1])
		}
		flagsOf[sub] = f
		return f
	}
	usage, _ := exec.Command(bin, "--help").CombinedOutput()
	checked := 0
	for _, s := range snippets {
		for _, m := range readmeCommand.FindAllStringSubmatch(s, -1) {
			sub := m[1]
			if !regexp.MustCompile(`(?m)^  baogong ` + regexp.QuoteMeta(sub) + `\b`).Match(usage) {
				t.Errorf("the README runs baogong %s, which is no command of the binary (%q)", sub, s)
				continue
			}
			checked++
			for _, fm := range regexp.MustCompile(`(?:^|\s|\[)--?([a-z][a-z-]*)`).FindAllStringSubmatch(m[2], -1) {
				if fm[1] == "h" || fm[1] == "help" {
					continue
				}
				if !slices.Contains(known(sub), fm[1]) {
					t.Errorf("the README gives baogong %s the flag --%s, which it does not have (%q)", sub, fm[1], s)
				}
			}
		}
	}
	if checked < 10 {
		t.Errorf("only %d baogong commands found in the README: the reader is broken", checked)
	}
}

// readmeShell runs block with bash in dir, in its own process group,
// and stops the group when the test ends.
func readmeShell(t *testing.T, dir, block string, env []string) (*lockedBuffer, chan error) {
	t.Helper()
	cmd := exec.Command("bash", "-euc", block)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	logs := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(15 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		}
		if t.Failed() {
			t.Logf("output:\n%s", logs.String())
		}
	})
	return logs, exited
}

// readmeFinished waits for a block that ends by itself and fails the
// test when it failed.
func readmeFinished(t *testing.T, name string, logs *lockedBuffer, exited chan error) {
	t.Helper()
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("the %s block failed: %v\n%s", name, err, logs.String())
		}
	case <-time.After(5 * time.Minute):
		t.Fatalf("the %s block did not finish", name)
	}
}

// cloneDir is a fresh directory holding what a clone has at its top that
// the README's commands read (the example files).
func cloneDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []string{"baogong.example.yaml", "catalog.example.yaml"} {
		data, err := os.ReadFile(filepath.Join("../..", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestReadmeProductionSteps follows the README's production step 3
// literally in a fresh directory holding what a clone has (the example
// files), with the binary on PATH: its shell block copies the examples,
// exports the secrets and starts baogong serve, which must answer
// /healthz. Only what is the deployment's own is set around it: where
// Redis is (a test redis-server), a free port, and a WeChat API that
// nothing reaches.
func TestReadmeProductionSteps(t *testing.T) {
	block := readmeBlock(t, "production")
	for _, want := range []string{"cp baogong.example.yaml baogong.yaml", "cp catalog.example.yaml catalog.yaml", "baogong serve --config baogong.yaml"} {
		if !strings.Contains(block, want) {
			t.Fatalf("the production block lacks %q:\n%s", want, block)
		}
	}
	bin := buildBinary(t)
	rs := redistest.Own(t)
	dir := cloneDir(t)
	addr := freeAddr(t)
	logs, exited := readmeShell(t, dir, block, []string{"PATH=" + filepath.Dir(bin) + ":" + os.Getenv("PATH"),
		"BAOGONG_REDIS_URL=redis://" + rs.Addr + "/0", "BAOGONG_HTTP_ADDR=" + addr, "BAOGONG_WECHAT_API_BASE=http://127.0.0.1:9"})
	waitHealthy(t, "http://"+addr, exited)
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	// The README quotes the answer.
	if resp.StatusCode != http.StatusOK || strings.TrimSpace(string(body)) != `{"status":"ok"}` {
		t.Fatalf("healthz: %d %s", resp.StatusCode, body)
	}
	for _, f := range []string{"baogong.yaml", "catalog.yaml"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("the block made no %s: %v", f, err)
		}
	}
	// The copied config reads the copied catalog, the one to edit.
	cfg, err := config.Load(filepath.Join(dir, "baogong.yaml"), func(k string) string {
		return map[string]string{"BAOGONG_WECHAT_APP_SECRET": "s", "BAOGONG_WECHAT_TOKEN": "t", "BAOGONG_ADMIN_TOKEN": "0123456789abcdef"}[k]
	})
	if err != nil || cfg.CatalogPath() != filepath.Join(dir, "catalog.yaml") {
		t.Errorf("baogong.yaml reads the catalog %q (%v), want catalog.yaml", cfg.CatalogPath(), err)
	}
	// The README says the example's public_url and placeholder contacts
	// are warned about at start.
	for _, want := range []string{"http.public_url", "contact_openid"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("no start-up warning names %s:\n%s", want, logs.String())
		}
	}
}

// TestReadmeTestClock runs the README's test-clock line where step 3
// left a deployment (the copied examples, the secrets).
func TestReadmeTestClock(t *testing.T) {
	block := readmeBlock(t, "test-clock")
	bin := buildBinary(t)
	rs := redistest.Own(t)
	dir := cloneDir(t)
	for _, f := range []string{"baogong", "catalog"} {
		data, _ := os.ReadFile(filepath.Join(dir, f+".example.yaml"))
		os.WriteFile(filepath.Join(dir, f+".yaml"), data, 0o644)
	}
	addr := freeAddr(t)
	logs, exited := readmeShell(t, dir, block, []string{"PATH=" + filepath.Dir(bin) + ":" + os.Getenv("PATH"),
		"BAOGONG_REDIS_URL=redis://" + rs.Addr + "/0", "BAOGONG_HTTP_ADDR=" + addr, "BAOGONG_WECHAT_API_BASE=http://127.0.0.1:9",
		"BAOGONG_WECHAT_APP_SECRET=s", "BAOGONG_WECHAT_TOKEN=t", "BAOGONG_ADMIN_TOKEN=0123456789abcdef"})
	waitHealthy(t, "http://"+addr, exited)
	if !strings.Contains(logs.String(), "TEST CLOCK") {
		t.Errorf("the service did not log TEST CLOCK:\n%s", logs.String())
	}
}

// TestReadmeParse runs the README's parse lines from the top of the
// clone, as a reader would.
func TestReadmeParse(t *testing.T) {
	block := readmeBlock(t, "parse")
	logs, exited := readmeShell(t, "../..", block, nil)
	readmeFinished(t, "parse", logs, exited)
	// Three lines, each read whole: nothing rejected, the goods found.
	out := logs.String()
	if n := strings.Count(out, `"rejected": []`); n != 3 {
		t.Errorf("%d of the 3 parse lines read everything:\n%s", n, out)
	}
	for _, want := range []string{`"sku": "EGG-30"`, `"sku": "MED-INSULIN"`, `"room": "501"`} {
		if !strings.Contains(out, want) {
			t.Errorf("parse printed no %s:\n%s", want, out)
		}
	}
}

// TestReadmeBuild runs the README's build lines at the top of the clone;
// go install goes to a temporary GOBIN, not the reader's.
func TestReadmeBuild(t *testing.T) {
	block := readmeBlock(t, "build")
	gobin := t.TempDir()
	logs, exited := readmeShell(t, "../..", block, []string{"GOBIN=" + gobin})
	readmeFinished(t, "build", logs, exited)
	for _, bin := range []string{"../../baogong", filepath.Join(gobin, "baogong")} {
		out, err := exec.Command(bin, "--help").CombinedOutput()
		if err != nil || !strings.Contains(string(out), "baogong serve") {
			t.Errorf("%s --help: %v\n%s", bin, err, out)
		}
	}
}

// TestReadmeTwoCommands runs the first of the README's two commands, the
// demo, from the top of the clone on a free port (the README's port may
// be taken on a test machine), and opens its page. The second,
// ./scripts/test, is the suite that runs this test.
func TestReadmeTwoCommands(t *testing.T) {
	block := readmeBlock(t, "two-commands")
	var demo string
	for _, l := range strings.Split(block, "\n") {
		l, _, _ = strings.Cut(l, "#")
		switch l = strings.TrimSpace(l); {
		case l == "":
		case strings.Contains(l, "baogong demo"):
			demo = l
		case l == "./scripts/test":
		default:
			t.Fatalf("the two commands hold %q, which this test does not run", l)
		}
	}
	if demo == "" {
		t.Fatal("the two commands have no demo line")
	}
	addr := freeAddr(t)
	logs, exited := readmeShell(t, "../..", demo+" --addr "+addr, nil)
	deadline := time.Now().Add(5 * time.Minute) // go run compiles first
	for {
		select {
		case err := <-exited:
			t.Fatalf("the demo exited: %v\n%s", err, logs.String())
		default:
		}
		if resp, err := http.Get("http://" + addr + "/"); err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK && strings.Contains(string(body), "<html") {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the demo page did not open\n%s", logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestReadmeNamesOnlyFilesItMakes: every file a README command reads with
// --config or --catalog is an example file of the repository, or one the
// production step copies from them.
func TestReadmeNamesOnlyFilesItMakes(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	made := map[string]bool{"baogong.yaml": true, "catalog.yaml": true}
	for _, m := range regexp.MustCompile(`--(?:config|catalog) (\S+)`).FindAllStringSubmatch(string(readme), -1) {
		f := strings.Trim(m[1], "`")
		if strings.ContainsAny(f, "/") || strings.HasPrefix(f, "FILE") {
			continue // a path of the reader's, or the usage's FILE
		}
		if made[f] {
			continue
		}
		if _, err := os.Stat(filepath.Join("../..", f)); err != nil {
			t.Errorf("the README reads %s, which no step makes: %v", f, err)
		}
	}
}

// TestReadmeConfigReferenceHasEveryKey: every key of config.Config is in
// the README's config reference (as its path, or after a shared prefix
// as .key), and every variable of config.Overrides and config.Others
// is named in the README.
func TestReadmeConfigReferenceHasEveryKey(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	i := strings.Index(text, "### Config reference")
	if i < 0 {
		t.Fatal("README has no config reference")
	}
	ref := text[i:]
	if j := strings.Index(ref[1:], "\n## "); j >= 0 {
		ref = ref[:j+1]
	}
	var walk func(prefix string, typ reflect.Type)
	walk = func(prefix string, typ reflect.Type) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice {
			typ = typ.Elem()
			prefix += "[]"
		}
		if typ.Kind() != reflect.Struct || typ == reflect.TypeOf(time.Duration(0)) {
			return
		}
		for f := range typ.Fields() {
			tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if tag == "" || tag == "-" {
				continue
			}
			path := strings.TrimPrefix(prefix+"."+tag, ".")
			sub := f.Type
			for sub.Kind() == reflect.Pointer || sub.Kind() == reflect.Slice {
				sub = sub.Elem()
			}
			// communities[] takes every key of community: one row says so.
			if strings.HasPrefix(path, "communities[].") {
				continue
			}
			if sub.Kind() == reflect.Struct && sub != reflect.TypeOf(config.Building{}) {
				walk(path, f.Type)
				continue
			}
			if !strings.Contains(ref, "`"+path+"`") && !strings.Contains(ref, "`."+tag+"`") && !strings.Contains(ref, "`"+path+"`, `.") {
				t.Errorf("the config reference lacks %s", path)
			}
		}
	}
	walk("", reflect.TypeOf(config.Config{}))
	for _, v := range append(slices.Clone(config.Overrides), config.Others...) {
		if !strings.Contains(text, "`"+v+"`") {
			t.Errorf("the README does not name %s", v)
		}
	}
}
