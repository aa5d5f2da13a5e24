package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/baogong/baogong/internal/fakewechat"
	"github.com/baogong/baogong/internal/redistest"
	"github.com/baogong/baogong/internal/wxsign"
)

func TestMain(m *testing.M) { redistest.Main(m, removeBinary) }

// built is the real program, compiled once for all the package's tests.
var built struct {
	once     sync.Once
	dir, bin string
	out      []byte
	err      error
}

// buildBinary compiles the real program once per test run.
func buildBinary(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		if built.dir, built.err = os.MkdirTemp("", "baogong-e2e-"); built.err != nil {
			return
		}
		built.bin = filepath.Join(built.dir, "baogong")
		built.out, built.err = exec.Command("go", "build", "-o", built.bin, ".").CombinedOutput()
	})
	if built.err != nil {
		t.Fatalf("go build: %v\n%s", built.err, built.out)
	}
	return built.bin
}

func removeBinary() {
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

const (
	e2eToken  = "e2e-token"
	e2eAppID  = "wxe2e0000000000001"
	e2eSecret = "e2e-secret"
	e2eAES    = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
	e2eAdmin  = "e2e-admin-token-0123456789"
)

// service is the real binary, started against a real redis-server and the
// fake WeChat API, reached only over HTTP as WeChat and an admin reach it.
type service struct {
	t       *testing.T
	base    string
	api     *fakewechat.API
	acct    wxsign.Account
	cmd     *exec.Cmd
	exited  chan error
	logs    *lockedBuffer
	cfgPath string
	env     []string
	bin     string
	msgID   int64
	// pinned: the service runs on a test clock (BAOGONG_TEST_CLOCK) that
	// reads real time + offset, as the test's now does.
	pinned bool
	offset time.Duration
	// community is the id of the config's community.
	community string
}

// pin sets the service's clock to at, from where it runs on in real time;
// it counts from the next start (serve, run-job). Pinning again later
// moves the clock on (for a restart "the next evening").
func (s *service) pin(at time.Time) { s.pinned, s.offset = true, time.Until(at) }

// now is the service's time as the test sees it: the test clock when
// pinned (within the few milliseconds the service took to start), else
// the real time.
func (s *service) now() time.Time { return time.Now().Add(s.offset) }

// environ is the service's environment: with the test clock, when pinned,
// reading the test's now.
func (s *service) environ() []string {
	env := append([]string(nil), s.env...)
	if s.pinned {
		env = append(env, testClockEnv+"="+s.now().Format(time.RFC3339Nano), testClockGuard+"=1")
	}
	return env
}

func startService(t *testing.T, redisAddr string) *service {
	t.Helper()
	return startServiceOn(t, fmt.Sprintf(`{url: "redis://%s/0"}`, redisAddr))
}

// startServiceOn is startService with redis, the config's redis: value
// (YAML flow style), e.g. {addrs: [...]} for a cluster.
func startServiceOn(t *testing.T, redis string) *service {
	t.Helper()
	return startServiceWith(t, redis, "")
}

// startServiceWith is startServiceOn with communities, the config's
// communities: value (YAML), instead of its one community.
func startServiceWith(t *testing.T, redis, communities string) *service {
	t.Helper()
	s := &service{t: t, bin: buildBinary(t), api: fakewechat.New(e2eAppID, e2eSecret), logs: &lockedBuffer{},
		acct: wxsign.Account{Token: e2eToken, AppID: e2eAppID, EncodingAESKey: e2eAES}, msgID: time.Now().UnixNano()}
	// Every service runs on the test clock, from now unless the test
	// pins it elsewhere: no scheduled job runs by itself (the restock job
	// at a minute's turn would take a waiter a test is about to see told),
	// and a test runs jobs over the API when it wants them.
	s.pin(time.Now())
	fake := httptest.NewServer(s.api)
	t.Cleanup(fake.Close)

	dir := t.TempDir()
	addr := freeAddr(t)
	s.community = fmt.Sprintf("e2e%d", time.Now().UnixNano())
	block := fmt.Sprintf(`community:
  id: %s
  name: 幸福社区
  grids:
    - {id: G1, buildings: ["3", "5"]}
    - {id: G2, buildings: ["6", "8"]}
  leads:
    - {openid: e2e-lead-3, buildings: ["3"]}
`, s.community)
	if communities != "" {
		block, s.community = "communities:\n"+communities, ""
	}
	os.WriteFile(filepath.Join(dir, "catalog.yaml"), demoCatalog, 0o644)
	cfg := fmt.Sprintf(`http: {addr: %q}
redis: %s
wechat:
  app_id: %s
  app_secret: %s
  token: %s
  api_base: %s
timezone: Asia/Shanghai
catalog: catalog.yaml
%s`, addr, redis, e2eAppID, e2eSecret, e2eToken, fake.URL, block)
	s.cfgPath = filepath.Join(dir, "baogong.yaml")
	os.WriteFile(s.cfgPath, []byte(cfg), 0o644)
	// Secrets from the environment, as in production.
	s.env = append(os.Environ(), "BAOGONG_ADMIN_TOKEN="+e2eAdmin, "BAOGONG_WECHAT_ENCODING_AES_KEY="+e2eAES)
	s.base = "http://" + addr
	return s
}

// serve starts "baogong serve" and waits until it is healthy.
func (s *service) serve() {
	s.t.Helper()
	cmd := exec.Command(s.bin, "serve", "--config", s.cfgPath)
	cmd.Env = s.environ()
	cmd.Stdout, cmd.Stderr = s.logs, s.logs
	if err := cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	s.cmd, s.exited = cmd, exited
	s.t.Cleanup(func() {
		cmd.Process.Kill()
		if s.t.Failed() {
			s.t.Logf("service log:\n%s", s.logs.String())
		}
	})
	waitHealthy(s.t, s.base, exited)
}

// stop ends the service as a deploy would (SIGTERM) and waits for it.
func (s *service) stop() {
	s.t.Helper()
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.exited:
		if err != nil {
			s.t.Errorf("exit after SIGTERM: %v", err)
		}
	case <-time.After(15 * time.Second):
		s.t.Fatal("no exit 15s after SIGTERM")
	}
}

// admin makes one admin API request and returns the status and body.
func (s *service) admin(method, path string) (int, []byte) {
	s.t.Helper()
	req, _ := http.NewRequest(method, s.base+path, nil)
	req.Header.Set("Authorization", "Bearer "+e2eAdmin)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

// send posts one signed (safe: encrypted) message and returns the reply.
func (s *service) send(safe bool, body []byte) string {
	s.t.Helper()
	code, raw := s.post(safe, body, s.now())
	if code != 200 {
		s.t.Fatalf("status %d %s", code, raw)
	}
	r, err := s.acct.OpenReply(raw, safe)
	if err != nil {
		s.t.Fatal(err)
	}
	return r.Content
}

// post sends body signed with the timestamp of at, as WeChat signs with
// its own clock, and returns the status and raw answer.
func (s *service) post(safe bool, body []byte, at time.Time) (int, []byte) {
	s.t.Helper()
	// WeChat knows who wrote: their window for pushes opens.
	s.api.Hear(body)
	build := s.acct.Plain
	if safe {
		build = s.acct.Safe
	}
	// A nonce of its own per body (the same for a retry of it), as
	// WeChat makes them: a plaintext signature is tied to its body.
	sum := sha256.Sum256(body)
	req, err := build(s.base+"/wechat", body, at, hex.EncodeToString(sum[:6]))
	if err != nil {
		s.t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, raw
}

func (s *service) text(user, content string) []byte {
	s.msgID++
	return wxsign.TextXML("gh_e2e", user, content, s.msgID, s.now())
}

func (s *service) say(safe bool, user, content string) string {
	s.t.Helper()
	return s.send(safe, s.text(user, content))
}

// wrote has each of openids write to the account (你好), as a day's work
// has volunteers, suppliers and staff do: WeChat then lets the account
// push to them for 48 hours (5 messages). People configured by the office
// who never wrote can only be reached by a template, or on the reply to
// their next message.
func (s *service) wrote(openids ...string) {
	s.t.Helper()
	for _, id := range openids {
		s.say(true, id, "你好")
	}
}

// TestEndToEnd starts the real binary against a real redis-server and the
// fake WeChat API, and talks to it only over HTTP.
func TestEndToEnd(t *testing.T) {
	s := startService(t, redistest.Shared(t).Addr)

	// The menu command fetches a token from the fake API through Redis.
	menu := exec.Command(s.bin, "menu", "--config", s.cfgPath)
	menu.Env = s.env
	if out, err := menu.CombinedOutput(); err != nil || !strings.Contains(string(out), "menu created") {
		t.Fatalf("menu: %v\n%s", err, out)
	}
	if !bytes.Contains(s.api.Menu(), []byte("BG_MY_ORDERS")) {
		t.Errorf("fake API has menu %s", s.api.Menu())
	}
	s.serve()
	base := s.base
	say := s.say
	if got := say(true, "e2e-zhang", "綁定 3棟2單元501"); !strings.HasPrefix(got, "已绑定：3栋2单元501") {
		t.Errorf("bind: %q", got)
	}
	got := say(true, "e2e-zhang", "蔬菜包2份 鸡蛋1盒")
	if !strings.HasPrefix(got, "下单成功！订单号 ") || !strings.Contains(got, "合计 130元") {
		t.Errorf("order: %q", got)
	}
	if got := say(true, "e2e-wang", "绑定 6-3-1202"); !strings.HasPrefix(got, "已绑定：6栋3单元1202") {
		t.Errorf("plain bind: %q", got)
	}
	say(true, "e2e-wang", "布洛芬1盒")

	// Admin API.
	req, _ := http.NewRequest("GET", base+"/api/orders", nil)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("no token: %v %v", resp.StatusCode, err)
	}
	req.Header.Set("Authorization", "Bearer "+e2eAdmin)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		Orders []struct {
			ID      string `json:"id"`
			Grid    string `json:"grid"`
			Address struct{ Building, Unit, Room string }
			Items   []struct {
				SKU  string `json:"sku"`
				Name string `json:"name"`
				Qty  int    `json:"qty"`
			} `json:"items"`
			Status    string    `json:"status"`
			PlacedBy  string    `json:"placed_by"`
			CreatedAt time.Time `json:"created_at"`
		} `json:"orders"`
	}
	json.NewDecoder(resp.Body).Decode(&list)
	resp.Body.Close()
	if len(list.Orders) != 2 {
		t.Fatalf("admin sees %d orders, want 2: %+v", len(list.Orders), list)
	}
	newest, oldest := list.Orders[0], list.Orders[1]
	if newest.PlacedBy != "e2e-wang" || newest.Grid != "G2" || newest.Items[0].SKU != "MED-IBU" {
		t.Errorf("newest first: %+v", newest)
	}
	if oldest.Address.Building != "3" || oldest.Address.Room != "501" || oldest.Status != "pending" || len(oldest.Items) != 2 || oldest.CreatedAt.IsZero() {
		t.Errorf("oldest: %+v", oldest)
	}
	req, _ = http.NewRequest("GET", base+"/api/orders?grid=G1&status=pending", nil)
	req.Header.Set("Authorization", "Bearer "+e2eAdmin)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		json.NewDecoder(resp.Body).Decode(&list)
		resp.Body.Close()
		if len(list.Orders) != 1 || list.Orders[0].Grid != "G1" {
			t.Errorf("grid filter: %+v", list.Orders)
		}
	}

	// A lead pastes a 接龙 for building 3 (one household has WeChat),
	// then confirms delivery; the resident is told through the outbox
	// and the fake WeChat API records the notice.
	paste := "#接龙 3栋蔬菜包\n例：3-2-501 蔬菜包1份\n1. 张阿姨 3-2-501 牛奶1箱\n2. 孙奶奶 13900001111 3-1-101 鸡蛋1盒\n3. 5-1-101 蔬菜包1份"
	if got := say(true, "e2e-lead-3", paste); !strings.Contains(got, "新下单2户") || !strings.Contains(got, "第3条 5栋1单元101：不是您负责的楼栋") {
		t.Errorf("paste: %s", got)
	}
	if got := say(true, "e2e-lead-3", "送达 3栋"); !strings.Contains(got, "2户 3单") || !strings.Contains(got, "3栋1单元101 鸡蛋1盒 电话13900001111") {
		t.Errorf("deliver: %s", got)
	}
	// The lead's change and the delivery, moments apart, go as one
	// message (WeChat allows the account few).
	s.waitSent("e2e-zhang", "已放到3栋2单元门口")
	if got := say(true, "e2e-zhang", "收到"); !strings.HasPrefix(got, "好的，已确认收到") {
		t.Errorf("received: %q", got)
	}

	// SIGTERM: a clean exit.
	s.stop()

	// The log never holds a resident's phone number or door, whatever
	// the 接龙 lines carried.
	for _, secret := range []string{"13900001111", "1390000", "3-1-101", "3栋1单元101", "6-3-1202"} {
		if strings.Contains(s.logs.String(), secret) {
			t.Errorf("the service log shows %q:\n%s", secret, s.logs.String())
		}
	}
}

func waitHealthy(t *testing.T, base string, exited chan error) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			t.Fatalf("service exited early: %v", err)
		default:
		}
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("service not healthy after 20s")
}

// TestServeRefusesBadConfigAndMissingRedis checks the two ways a
// misconfigured production start must fail loudly.
func TestServeRefusesBadConfigAndMissingRedis(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "catalog.yaml"), demoCatalog, 0o644)
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("wechat: {app_id: wx1, token: t}\nadmin: {token: short}\ncommunity:\n  id: c1\n  grids:\n    - {id: G1, buildings: [\"3\"]}\n    - {id: G2, buildings: [\"3\"]}\n"), 0o644)
	var stderr bytes.Buffer
	err := run(context.Background(), []string{"serve", "--config", bad}, nil, io.Discard, &stderr)
	if err == nil || !strings.Contains(err.Error(), "community.grids[1].buildings[0] (line 7): building \"3\" is already in grid G1") || !strings.Contains(err.Error(), "admin.token (line 2)") {
		t.Errorf("bad config error: %v", err)
	}
	noRedis := filepath.Join(dir, "noredis.yaml")
	os.WriteFile(noRedis, []byte(fmt.Sprintf("redis: {url: \"redis://%s/0\"}\nwechat: {app_id: wx1, app_secret: s, token: t}\nadmin: {token: 0123456789abcdef}\ncommunity:\n  id: c1\n  grids:\n    - {id: G1, buildings: [\"3\"]}\n", freeAddr(t))), 0o644)
	err = run(context.Background(), []string{"serve", "--config", noRedis}, nil, io.Discard, &stderr)
	if err == nil || !strings.Contains(err.Error(), "redis does not answer") {
		t.Errorf("missing redis error: %v", err)
	}
}

func TestParseCommand(t *testing.T) {
	in := strings.NewReader("3栋2单元501 蔬菜包2份\n收到\n502 鸡蛋两盒\n5-1-302 榴莲1斤\n")
	var out bytes.Buffer
	if err := run(context.Background(), []string{"parse", "--building", "3", "--unit", "2"}, in, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Orders []struct {
			Line    int               `json:"line"`
			Address map[string]string `json:"address"`
			Items   []struct {
				SKU string `json:"sku"`
				Qty int    `json:"qty"`
			} `json:"items"`
		} `json:"orders"`
		Rejected []struct {
			Line   int    `json:"line"`
			Text   string `json:"text"`
			Reason string `json:"reason"`
		} `json:"rejected"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if len(got.Orders) != 2 || got.Orders[0].Line != 1 || got.Orders[1].Line != 3 ||
		got.Orders[1].Address["room"] != "502" || got.Orders[1].Items[0].SKU != "EGG-30" || got.Orders[1].Items[0].Qty != 2 {
		t.Errorf("orders: %s", out.String())
	}
	if len(got.Rejected) != 1 || got.Rejected[0].Line != 4 || !strings.Contains(got.Rejected[0].Reason, "榴莲") {
		t.Errorf("rejected: %s", out.String())
	}
}

// TestDemo runs the demo in-process and chats through its page's helper,
// which signs and encrypts like WeChat and posts to the real callback.
func TestDemo(t *testing.T) {
	d, base := runDemo(t)
	send := func(payload string) map[string]any {
		t.Helper()
		resp, err := http.Post(base+"/demo/send", "application/json", strings.NewReader(payload))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		json.NewDecoder(resp.Body).Decode(&out)
		return out
	}
	if out := send(`{"openid":"demo-resident-zhang","text":"绑定 3栋2单元501"}`); !strings.HasPrefix(fmt.Sprint(out["reply"]), "已绑定") {
		t.Errorf("bind: %v", out)
	}
	if out := send(`{"openid":"demo-resident-zhang","text":"蔬菜包2份"}`); !strings.HasPrefix(fmt.Sprint(out["reply"]), "下单成功") {
		t.Errorf("order: %v", out)
	}
	if out := send(`{"openid":"demo-resident-zhang","event":"CLICK","key":"BG_MY_ORDERS"}`); !strings.Contains(fmt.Sprint(out["reply"]), "待配送") {
		t.Errorf("menu: %v", out)
	}
	// The lead persona: paste a 接龙, confirm delivery, and the demo's
	// fake WeChat API receives the notice to the resident.
	paste, _ := json.Marshal(map[string]string{"openid": "demo-lead-3", "text": "#接龙 3栋\n1. 3-2-501 牛奶1箱\n2. 3-1-101 鸡蛋1盒"})
	if out := send(string(paste)); !strings.Contains(fmt.Sprint(out["reply"]), "新下单2户") {
		t.Errorf("lead paste: %v", out)
	}
	if out := send(`{"openid":"demo-lead-3","text":"送达 3栋2单元"}`); !strings.Contains(fmt.Sprint(out["reply"]), "已确认送达") {
		t.Errorf("deliver: %v", out)
	}
	// The page also lists the seeded day's pushes (demo_seed.go): wait
	// for the one to 张阿姨.
	deadline := time.Now().Add(10 * time.Second)
	var pushes struct {
		Pushes []struct{ ToUser, Text string }
	}
	toZhang := 0
	for toZhang == 0 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		if r, err := http.Get(base + "/demo/pushes"); err == nil {
			json.NewDecoder(r.Body).Decode(&pushes)
			r.Body.Close()
		}
		for _, p := range pushes.Pushes {
			if p.ToUser == "demo-resident-zhang" && strings.Contains(p.Text, "已放到3栋2单元门口") {
				toZhang++
			}
		}
	}
	if toZhang == 0 {
		t.Errorf("demo pushes: %+v", pushes)
	}
	// The voice button: typed text sent as a voice message whose speech
	// recognition heard it; the order read back waits in the embedded
	// Redis for 是.
	voice := func(text string) string {
		t.Helper()
		b, _ := json.Marshal(map[string]any{"openid": "demo-resident-zhang", "voice": true, "text": text})
		out := send(string(b))
		if !strings.Contains(fmt.Sprint(out["request_xml"]), "<MsgType><![CDATA[voice]]></MsgType>") {
			t.Errorf("not sent as a voice message: %v", out)
		}
		return fmt.Sprint(out["reply"])
	}
	if got := voice("我要那个布洛芬一盒吧。"); !strings.HasPrefix(got, "您说的是：\"我要那个布洛芬一盒吧\"") || !strings.Contains(got, "确认请回复\"是\"") {
		t.Errorf("voice read back: %q", got)
	}
	if got := voice("是的。"); !strings.Contains(got, "下单成功") {
		t.Errorf("voice 是: %q", got)
	}
	if got := voice("是。"); !strings.Contains(got, "没有等您确认的订单") {
		t.Errorf("second 是: %q", got)
	}
	// A voice without words (WeChat's recognition is being withdrawn)
	// goes to the building's lead, who listens.
	if got := voice(""); !strings.HasPrefix(got, "您的语音已经转给3栋的楼栋长") {
		t.Errorf("unheard voice: %q", got)
	}

	resp, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Contains(page, []byte("数据只在内存里")) {
		t.Error("demo page does not say data is in memory")
	}
	if !bytes.Contains(page, []byte("当语音发")) {
		t.Error("demo page has no voice button")
	}
	if !bytes.Contains(d.API.Menu(), []byte("BG_ORDER")) {
		t.Error("demo did not create the menu on the fake API")
	}
}

// TestRedisStallSaysBusy freezes Redis under the running service: the
// resident is told the system is busy within WeChat's 5 s (so WeChat does
// not retry), nothing is half-written, and once Redis is back the
// resident's next message is served.
func TestRedisStallSaysBusy(t *testing.T) {
	rs := redistest.Own(t)
	s := startService(t, rs.Addr)
	s.serve()
	if got := s.say(true, "e2e-stall", "绑定 5栋1单元302"); !strings.HasPrefix(got, "已绑定") {
		t.Fatalf("bind: %q", got)
	}
	if err := rs.Pause(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	got := s.say(true, "e2e-stall", "鸡蛋1盒")
	took := time.Since(start)
	rs.Resume()
	if got != "系统繁忙，刚才这条消息没有办成。\n请过一会儿再发一次。" {
		t.Errorf("reply while Redis is frozen: %q", got)
	}
	if took > 5*time.Second {
		t.Errorf("answered after %v; WeChat gives up at 5s", took)
	}
	if got := s.say(true, "e2e-stall", "鸡蛋1盒"); !strings.HasPrefix(got, "下单成功") {
		t.Errorf("next message after Redis came back: %q", got)
	}
	req, _ := http.NewRequest("GET", s.base+"/api/orders", nil)
	req.Header.Set("Authorization", "Bearer "+e2eAdmin)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var list struct{ Orders []json.RawMessage }
	json.NewDecoder(resp.Body).Decode(&list)
	resp.Body.Close()
	if len(list.Orders) != 1 {
		t.Errorf("%d orders, want 1: the stalled message must leave nothing behind", len(list.Orders))
	}
}

// lockedBuffer collects a child process's output; the copier goroutine of
// os/exec may still write while a test's cleanup reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
