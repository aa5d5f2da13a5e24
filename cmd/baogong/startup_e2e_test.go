package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/baogong/baogong/internal/redistest"
)

// runBinary runs the real binary with args in dir, its environment the
// test's (BAOGONG_* variables of the test run taken out) plus env, and
// returns its exit error and output.
func runBinary(t *testing.T, dir string, env []string, args ...string) (error, string) {
	t.Helper()
	cmd := exec.Command(buildBinary(t), args...)
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "BAOGONG_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	return err, string(out)
}

// TestStartupErrorsSayTheFix starts the real binary the ways a deployer
// gets wrong and checks each refusal is one line that says what to do.
func TestStartupErrorsSayTheFix(t *testing.T) {
	rs := redistest.Own(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "catalog.yaml"), demoCatalog, 0o644)
	secrets := []string{"BAOGONG_WECHAT_APP_SECRET=s", "BAOGONG_WECHAT_TOKEN=t", "BAOGONG_ADMIN_TOKEN=0123456789abcdef"}
	const community = "wechat: {app_id: wx1, api_base: \"http://127.0.0.1:9\"}\ncommunity:\n  id: c1\n  grids:\n    - {id: G1, buildings: [\"3\"]}\n"
	config := func(name, head string) string {
		os.WriteFile(filepath.Join(dir, name), []byte(head+community), 0o644)
		return name
	}
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	down := freeAddr(t)
	// The refusal is one line; anything else said is the service's own
	// log lines (warnings), never a library's in another format.
	oneLine := func(t *testing.T, out string) {
		t.Helper()
		n := 0
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			if !strings.HasPrefix(l, "time=") {
				n++
			}
		}
		if n != 1 {
			t.Errorf("want the refusal on one line, got %d lines not the service's log:\n%s", n, out)
		}
	}

	for _, c := range []struct {
		name string
		env  []string
		args []string
		want []string
	}{
		{"redis down, from the file", secrets,
			[]string{"serve", "--config", config("down.yaml", fmt.Sprintf("redis: {url: \"redis://%s/0\"}\n", down))},
			[]string{"baogong: redis does not answer at " + down + " (redis.url in down.yaml (line 1))", "connection refused",
				"apt-get install -y redis-server", "redis.url in the config file or BAOGONG_REDIS_URL"}},
		{"redis down, from the environment", append(secrets, "BAOGONG_REDIS_URL=redis://"+down+"/0"),
			[]string{"serve", "--config", config("plain.yaml", "")},
			[]string{"redis does not answer at " + down + " (from BAOGONG_REDIS_URL)"}},
		{"redis down, the default", secrets,
			[]string{"serve", "--config", config("nothing.yaml", "")},
			[]string{"(the default (nothing.yaml sets no redis.url))"}},
		{"port taken", append(secrets, "BAOGONG_REDIS_URL=redis://"+rs.Addr+"/0"),
			[]string{"serve", "--config", config("busy.yaml", fmt.Sprintf("http: {addr: %q}\n", busy.Addr()))},
			[]string{"cannot listen on " + busy.Addr().String() + " (http.addr in busy.yaml (line 1)): another program uses it", "BAOGONG_HTTP_ADDR"}},
		{"demo port taken", nil, []string{"demo", "--addr", busy.Addr().String()},
			[]string{"cannot listen on " + busy.Addr().String(), "baogong demo --addr 127.0.0.1:8081"}},
		{"env typo", append(secrets, "BAOGONG_REDIS_ULR=redis://"+rs.Addr+"/0"),
			[]string{"serve", "--config", config("plain.yaml", "")},
			[]string{"environment variable BAOGONG_REDIS_ULR is not one baogong reads: did you mean BAOGONG_REDIS_URL?"}},
		{"run-job typo", nil, []string{"run-job", "cutof", "--config", "plain.yaml"},
			[]string{`there is no job "cutof" (did you mean cutoff?)`, "cutoff, picklist, roster, urgent, bindings, restock"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			err, out := runBinary(t, dir, c.env, c.args...)
			if err == nil {
				t.Fatalf("exit 0:\n%s", out)
			}
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			oneLine(t, out)
		})
	}

	// The catalog's mistakes name the item counted from 1, its line, and
	// what to write.
	catalogs := []struct{ name, yaml, want string }{
		{"duplicate sku", "suppliers: [{id: s, name: S, kind: supermarket}]\nitems:\n" +
			"  - {sku: A, name: 菜, unit: 份, supplier: s}\n  - {sku: B, name: 肉, unit: 斤, supplier: s}\n  - {sku: A, name: 米, unit: 袋, supplier: s}\n",
			"item 3 (line 5, sku A): sku is used twice: item 1 (line 3) has it already"},
		{"key typo", "suppliers: [{id: s, name: S, kind: supermarket}]\nitems:\n  - {sku: A, nane: 菜, unit: 份, supplier: s}\n",
			"items[0].nane (line 3): unknown key (did you mean name?)"},
	}
	for _, c := range catalogs {
		t.Run(c.name, func(t *testing.T) {
			sub := t.TempDir()
			os.WriteFile(filepath.Join(sub, "catalog.yaml"), []byte(c.yaml), 0o644)
			os.WriteFile(filepath.Join(sub, "baogong.yaml"), []byte(fmt.Sprintf("redis: {url: \"redis://%s/0\"}\n", rs.Addr)+community), 0o644)
			err, out := runBinary(t, sub, secrets, "serve", "--config", "baogong.yaml")
			if err == nil || !strings.Contains(out, c.want) {
				t.Errorf("%v, output:\n%s\nwant %q", err, out, c.want)
			}
		})
	}

	// The usage names every command, and run-job's help every job.
	_, out := runBinary(t, dir, nil)
	for _, w := range []string{"serve", "demo", "parse", "menu", "run-job", "load"} {
		if !strings.Contains(out, "baogong "+w) {
			t.Errorf("usage lacks %s:\n%s", w, out)
		}
	}
	err, out = runBinary(t, dir, nil, "run-job", "help")
	if err != nil {
		t.Errorf("run-job help: %v", err)
	}
	for _, w := range []string{"cutoff", "picklist", "roster", "urgent", "bindings", "restock"} {
		if !strings.Contains(out, "  "+w+" ") {
			t.Errorf("run-job help lacks %s:\n%s", w, out)
		}
	}
}

// TestExamplePlaceholdersWarned: started from the example files as they
// are, the service runs and says at once which placeholders to replace:
// the suppliers' contacts (with their lines) and http.public_url.
func TestExamplePlaceholdersWarned(t *testing.T) {
	rs := redistest.Own(t)
	dir := t.TempDir()
	for _, f := range []string{"baogong.example.yaml", "catalog.example.yaml"} {
		data, err := os.ReadFile(filepath.Join("../..", f))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, strings.Replace(f, ".example", "", 1)), data, 0o644)
	}
	addr := freeAddr(t)
	cmd := exec.Command(buildBinary(t), "serve", "--config", "baogong.yaml")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "BAOGONG_REDIS_URL=redis://"+rs.Addr+"/0", "BAOGONG_HTTP_ADDR="+addr, "BAOGONG_WECHAT_API_BASE=http://127.0.0.1:9",
		"BAOGONG_WECHAT_APP_SECRET=s", "BAOGONG_WECHAT_TOKEN=t", "BAOGONG_ADMIN_TOKEN=0123456789abcdef")
	logs := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer cmd.Process.Kill()
	waitHealthy(t, "http://"+addr, exited)
	out := logs.String()
	for _, want := range []string{
		`catalog: supplier 1 (line `, `contact_openid \"换成超市联系人的openid\" is not an openid`,
		`catalog: supplier 2 (line `, `contact_openid \"换成药房联系人的openid\"`, "我是谁",
		"config: http.public_url (http.public_url in baogong.yaml (line ", "is the example's https://bg.example.com",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the start-up log lacks %q:\n%s", want, out)
		}
	}
}
