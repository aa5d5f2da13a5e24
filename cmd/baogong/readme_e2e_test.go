package main

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/baogong/baogong/config"
	"github.com/baogong/baogong/internal/redistest"
)

// productionStep2 is the shell block of the README's production step 2,
// its list indentation taken off.
func productionStep2(t *testing.T) string {
	t.Helper()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	i := strings.Index(text, "## Production")
	j := strings.Index(text[i:], "2. **Config.**")
	if i < 0 || j < 0 {
		t.Fatal("README has no production step 2")
	}
	m := regexp.MustCompile("(?s)\n( *)```sh\n(.*?)\n *```").FindStringSubmatch(text[i+j:])
	if m == nil {
		t.Fatal("production step 2 has no sh block")
	}
	var lines []string
	for _, l := range strings.Split(m[2], "\n") {
		lines = append(lines, strings.TrimPrefix(l, m[1]))
	}
	return strings.Join(lines, "\n")
}

// TestReadmeProductionSteps follows the README's production step 2
// literally in a fresh directory holding what a clone has (the example
// files), with the binary on PATH: its shell block copies the examples,
// exports the secrets and starts baogong serve, which must answer
// /healthz. Only what is the deployment's own is set around it: where
// Redis is (a test redis-server), a free port, and a WeChat API that
// nothing reaches.
func TestReadmeProductionSteps(t *testing.T) {
	block := productionStep2(t)
	for _, want := range []string{"cp baogong.example.yaml baogong.yaml", "cp catalog.example.yaml catalog.yaml", "baogong serve --config baogong.yaml"} {
		if !strings.Contains(block, want) {
			t.Fatalf("step 2 lacks %q:\n%s", want, block)
		}
	}
	bin := buildBinary(t)
	rs := redistest.Own(t)
	dir := t.TempDir()
	for _, f := range []string{"baogong.example.yaml", "catalog.example.yaml"} {
		data, err := os.ReadFile(filepath.Join("../..", f))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, f), data, 0o644)
	}
	addr := freeAddr(t)
	cmd := exec.Command("bash", "-euc", block)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(bin)+":"+os.Getenv("PATH"),
		"BAOGONG_REDIS_URL=redis://"+rs.Addr+"/0", "BAOGONG_HTTP_ADDR="+addr, "BAOGONG_WECHAT_API_BASE=http://127.0.0.1:9")
	logs := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(15 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		}
		if t.Failed() {
			t.Logf("output:\n%s", logs.String())
		}
	}()
	waitHealthy(t, "http://"+addr, exited)
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %v %v", resp, err)
	}
	resp.Body.Close()
	for _, f := range []string{"baogong.yaml", "catalog.yaml"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("step 2 made no %s: %v", f, err)
		}
	}
	// The copied config reads the copied catalog, the one to edit.
	cfg, err := config.Load(filepath.Join(dir, "baogong.yaml"), func(k string) string {
		return map[string]string{"BAOGONG_WECHAT_APP_SECRET": "s", "BAOGONG_WECHAT_TOKEN": "t", "BAOGONG_ADMIN_TOKEN": "0123456789abcdef"}[k]
	})
	if err != nil || cfg.CatalogPath() != filepath.Join(dir, "catalog.yaml") {
		t.Errorf("baogong.yaml reads the catalog %q (%v), want catalog.yaml", cfg.CatalogPath(), err)
	}
}

// TestReadmeNamesOnlyFilesItMakes: every file a README command reads with
// --config or --catalog is an example file of the repository, or one the
// production step 2 copies from them.
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
